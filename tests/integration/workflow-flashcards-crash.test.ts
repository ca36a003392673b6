// The flashcard issue's crash requirement: SIGKILL the whole engine in the middle of a deck, restart it,
// and no word whose card was already saved is sent to the model again (calls counted on the fake server).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../lib/store/open-pglite';
import { scriptedCards, wordOf } from '../support/fake-card-answers';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';
import { FlashflowProcess, makeHome, REPO_ROOT, removeTempDirs, runCli, waitUntil } from '../support/cli-harness';

const WORKFLOWS = path.join(REPO_ROOT, 'workflows');
const ENGINE = path.join(REPO_ROOT, 'tests', 'support', 'engine-process.ts');
const WORDS = ['chat', 'chien', 'lapin', 'pomme', 'poire', 'livre', 'table', 'porte', 'verre', 'fleur', 'arbre', 'vache'];

let fake: FakeOpenAiServer;
let home: string;
const engines: FlashflowProcess[] = [];

function startEngine(): FlashflowProcess {
  const p = new FlashflowProcess(['--import', 'tsx', ENGINE], {
    home,
    dagsFolder: WORKFLOWS,
    env: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test', FLASHFLOW_LLM_MODEL: 'fake-model', FLASHFLOW_POLL_INTERVAL_MS: '100' },
  });
  engines.push(p);
  return p;
}

const ready = (p: FlashflowProcess) => waitUntil(() => p.stdout.includes('"event":"ready"'), 'the engine to be ready', 30_000);
const callsFor = (word: string) => fake.requests.filter((r) => wordOf(r, WORDS) === word).length;

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  fake.otherwise(scriptedCards(WORDS));
  fake.setLatency(150);
  home = await makeHome();
}, 60_000);

afterAll(async () => {
  for (const p of engines) p.killGroup();
  await fake?.close();
  await removeTempDirs();
});

describe('french_flashcards across a crash', () => {
  it('resumes after SIGKILL without asking the model again for words already saved', async () => {
    const first = startEngine();
    await ready(first);
    const trigger = await runCli(
      ['dags', 'trigger', 'french_flashcards', '--run-id', 'crash_run', '--conf', JSON.stringify({ deck_name: 'Crash', vocabulary: WORDS.join('\n') })],
      { home, dagsFolder: WORKFLOWS },
    );
    expect(trigger.stderr).toBe('');
    // The llm pool runs 4 words at a time; kill once some words are done and others are in flight.
    await waitUntil(() => fake.calls >= 6, 'six LLM calls', 30_000);
    first.killGroup();
    await first.exited;

    const db = await openPglite({ dataDir: path.join(home, 'db') });
    const savedBefore = (await db.sql.query<{ word: string }>(`SELECT word FROM card WHERE status = 'valid' ORDER BY word`)).map((r) => r.word);
    const attemptsBefore = (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM llm_attempt`))[0]!.n;
    await db.close();
    expect(savedBefore.length).toBeGreaterThan(0);
    expect(savedBefore.length).toBeLessThan(WORDS.length);
    const callsBefore = Object.fromEntries(savedBefore.map((w) => [w, callsFor(w)]));

    const second = startEngine();
    await ready(second);
    await waitUntil(() => second.stdout.includes('"run_id":"crash_run","state":"success"'), 'the run to succeed after the restart', 60_000);
    second.killGroup();
    await second.exited;

    for (const w of savedBefore) expect(callsFor(w), `calls for '${w}'`).toBe(callsBefore[w]);
    const after = await openPglite({ dataDir: path.join(home, 'db') });
    const valid = (await after.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM card WHERE status = 'valid'`))[0]!.n;
    const attempts = (await after.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM llm_attempt`))[0]!.n;
    await after.close();
    expect(valid).toBe(WORDS.length);
    // Every answer that reached the engine is recorded; the ones lost with the process were asked again.
    expect(attempts).toBeGreaterThanOrEqual(attemptsBefore);
    expect(attempts).toBeLessThanOrEqual(fake.calls);
  });
});
