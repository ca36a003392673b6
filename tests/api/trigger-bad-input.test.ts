// Triggering french_flashcards with a vocabulary it can never turn into cards, or a model an Op did not allow:
// refused at trigger time with a 400 (REST) or a one-line error (CLI) naming the limit, and no run is created —
// counted in the server's own database once it has stopped. The DAG is paused, so the one accepted run never calls
// a model.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../lib/store/database';
import { REPO_ROOT, runCli, runCliInProcess, type CliResult } from '../support/cli-harness';
import { expectProblem } from './support/expect-problem';
import { OpenApiClient } from './support/openapi-client';
import { startApiServer, type ApiServer } from './support/api-server';

const DAG = 'french_flashcards';
const WORKFLOWS = path.join(REPO_ROOT, 'workflows');
const TRIGGER_PATH = `/api/v1/dags/${DAG}/dagRuns`;

let server: ApiServer;
let api: OpenApiClient;
/** Runs this file expects to exist at the end: only the triggers that were accepted. */
let accepted = 0;

beforeAll(async () => {
  server = await startApiServer({
    FLASHFLOW_DAGS_FOLDER: WORKFLOWS,
    // Nothing listens here: the accepted run waits on a paused DAG and never calls it.
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    FLASHFLOW_LLM_MODEL: 'house-model',
  });
  api = await OpenApiClient.connect(server.baseUrl, server.auth);
  const paused = await api.patch(`/dags/${DAG}`, { is_paused: true });
  expect(paused.status, paused.text).toBe(200);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

const trigger = (conf: Record<string, unknown>) => api.post(`/dags/${DAG}/dagRuns`, { conf: { deck_name: 'Bad input', ...conf } });
/** One real process checks the exit code; the other commands run in this process (the same code, no start-up). */
const cli = (conf: Record<string, unknown>, run: typeof runCli = runCliInProcess) =>
  run(['dags', 'trigger', DAG, '--conf', JSON.stringify({ deck_name: 'Bad input', ...conf })], { home: server.home, dagsFolder: WORKFLOWS });

function expectOneLineError(r: CliResult, mentions: RegExp): void {
  expect(r.code, r.stdout + r.stderr).not.toBe(0);
  expect(r.stderrLines, r.stderr).toHaveLength(1);
  expect(r.stderrLines[0]).toMatch(/^flashflow: /);
  expect(r.stderrLines[0]).toMatch(mentions);
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `mot${String.fromCharCode(97 + (i % 26))}${i}`).join('\n');

describe('POST /dags/french_flashcards/dagRuns with a vocabulary it cannot use', () => {
  it('refuses an empty or whitespace-only vocabulary, naming the field and the request path', async () => {
    for (const vocabulary of ['', '   \n\t\n  \r\n', '# only a comment\n- \n']) {
      const p = expectProblem(await trigger({ vocabulary }), 400, /conf\.vocabulary: The vocabulary has no words/);
      expect(p.fields).toEqual([{ path: 'conf.vocabulary', message: expect.stringMatching(/no words/) }]);
      expect((p as { instance?: string }).instance).toBe(TRIGGER_PATH);
    }
  });

  it('refuses more distinct words than the limit, naming the limit and the count', async () => {
    expectProblem(await trigger({ vocabulary: words(501) }), 400, /has 501 distinct words or expressions; the limit is 500/);
  });

  it('refuses a vocabulary over the size limit in bytes, naming it', async () => {
    // 60,000 two-byte letters: under the 100,000-character mark, over the 100,000-byte limit.
    expectProblem(await trigger({ vocabulary: `${'é'.repeat(60_000)}\n` }), 400, /120,001 bytes; the limit is 100,000 bytes/);
  });
});

describe('models a trigger may name', () => {
  it('allows only the configured model when no list is set', async () => {
    expectProblem(await trigger({ vocabulary: 'chat', model: 'gpt-4.5-preview' }), 400, /model 'gpt-4\.5-preview' is not allowed; allowed: house-model/);
  });

  it('holds for the weekly regeneration too, whose runs also call the model', async () => {
    const refused = await api.post('/dags/flashcard_regeneration/dagRuns', { conf: { model: 'gpt-4.5-preview' } });
    expectProblem(refused, 400, /model 'gpt-4\.5-preview' is not allowed; allowed: house-model/);
  });

  it("takes the list from the LLM connection's extra.allowed_models, the default model always included", async () => {
    const created = await api.post('/connections', {
      connection_id: 'llm_default',
      conn_type: 'openai',
      host: 'http://127.0.0.1:9/v1',
      extra: JSON.stringify({ model: 'house-model', allowed_models: ['cheap-model'] }),
    });
    expect(created.status, created.text).toBe(200);
    const ok = await trigger({ vocabulary: 'chat', model: 'cheap-model' });
    expect(ok.status, ok.text).toBe(200);
    accepted += 1;
    const refused = expectProblem(await trigger({ vocabulary: 'chat', model: 'gpt-4.5-preview' }), 400, /allowed: house-model, cheap-model \(set by extra\.allowed_models of connection 'llm_default'/);
    expect(refused.fields?.[0]?.path).toBe('conf.model');
  });

  it('offers the paste form the same list to pick from, the default first', async () => {
    const page = await fetch(`${server.baseUrl}/new`, { headers: server.auth });
    expect(page.status).toBe(200);
    const html = await page.text();
    const select = /<select[^>]*name="model"[^>]*>(.*?)<\/select>/s.exec(html)?.[1] ?? '';
    expect([...select.matchAll(/<option[^>]*value="([^"]*)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([
      ['', 'house-model (default)'],
      ['cheap-model', 'cheap-model'],
    ]);
  });
});

describe('flashflow dags trigger french_flashcards (over the server’s control socket)', () => {
  it('refuses the same inputs in one line each, naming the limit', async () => {
    const [blank, many, model] = await Promise.all([
      cli({ vocabulary: ' \n ' }, runCli),
      cli({ vocabulary: words(501) }),
      cli({ vocabulary: 'chat', model: 'gpt-4.5-preview' }),
    ]);
    expectOneLineError(blank, /conf\.vocabulary: The vocabulary has no words/);
    expectOneLineError(many, /the limit is 500/);
    expectOneLineError(model, /model 'gpt-4\.5-preview' is not allowed/);
  }, 60_000);
});

describe('the database after every refusal', () => {
  it('holds only the run that was accepted', async () => {
    process.kill(server.process.pid, 'SIGTERM');
    await server.process.waitForExit(15_000);
    const db = await openDatabase({ dataDir: path.join(server.home, 'db') });
    try {
      const runs = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM dag_run WHERE dag_id = $1`, [DAG]);
      expect(runs[0]!.n).toBe(accepted);
      expect(accepted).toBe(1);
    } finally {
      await db.close();
    }
  }, 30_000);
});
