// Every DAG shipped in workflows/ runs end to end in one real runtime: the DAG folder exactly as a user gets it,
// task processes, the demo FTP server, a fake OpenAI-compatible server, the npm registry for isolated environments.
// Each DAG needs a case here: a DAG added to workflows/ without one fails the first test. The detailed behaviour of
// each pipeline (retries, alerts, bad input) is tested in its own workflow-*.test.ts file.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoFtpServer, type DemoFtpServer } from '../../lib/demo/demo-ftp-server';
import { startModelServer, type ModelServer } from '../../lib/demo/model-server';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { setPaused } from '../../lib/store/dag-admin';
import { answerSampleCards } from '../support/fake-card-answers';
import { answerSampleCv, isCvRequest, SAMPLE_CV, SAMPLE_CV_ANSWER } from '../support/fake-cv-answers';
import { ShiftedClock } from '../support/fake-clock';
import { fakeAthenaConnUri, startFakeAthenaServer, type FakeAthenaServer } from '../support/fake-athena-server';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';
import { npmEnv } from '../support/npm-env';
import { startTestRuntime, taskStates, trigger, waitForRun } from '../support/runtime-harness';

const WORKFLOWS = path.resolve(import.meta.dirname, '../../workflows');
const RUN_TIMEOUT = 120_000;
const clock = new ShiftedClock();

interface Case {
  conf?: Record<string, unknown>;
  /** How the DAG's run comes about; default: a manual trigger with `conf`. */
  start?: () => Promise<string>;
  /** Checks on the finished run beyond its state (every task must have succeeded or been skipped). */
  check?: (runId: string) => Promise<void>;
}

let rt: Runtime & { home: string };
let ftp: DemoFtpServer;
let llm: FakeOpenAiServer;
let athena: FakeAthenaServer;
let model: ModelServer;
let scratch: string;

const xcom = async <T>(dagId: string, runId: string, taskId: string): Promise<T> => {
  const [row] = await rt.db.sql.query<{ value: T }>(`SELECT value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = -1`, [dagId, runId, taskId]);
  return row!.value;
};

async function nextRunOf(dagId: string, after: number): Promise<string> {
  const deadline = Date.now() + RUN_TIMEOUT;
  for (;;) {
    const [row] = await rt.db.sql.query<{ run_id: string }>(`SELECT run_id FROM dag_run WHERE dag_id = $1 AND id > $2 ORDER BY id LIMIT 1`, [dagId, after]);
    if (row) return row.run_id;
    if (Date.now() > deadline) throw new Error(`no new run of ${dagId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lastRunPk = async () => (await rt.db.sql.query<{ id: number | null }>(`SELECT max(id) AS id FROM dag_run`))[0]!.id ?? 0;
const SAME_DAY = new Date('2026-12-01T00:00:00Z');

const CASES: Record<string, Case> = {
  french_flashcards: {
    conf: { deck_name: 'Amélie', vocabulary: 'chat\npomme' },
    check: async (runId) => {
      const states = await taskStates(rt, 'french_flashcards', runId);
      expect(Object.keys(states).filter((k) => k.startsWith('generate_card['))).toHaveLength(2);
    },
  },
  flashcard_regeneration: {},
  cv_extraction: {
    conf: { cv_text: SAMPLE_CV },
    check: async (runId) => {
      expect(await xcom('cv_extraction', runId, 'extract_cv')).toEqual(SAMPLE_CV_ANSWER);
    },
  },
  weekly_model_retrain: {
    check: async (runId) => {
      expect((await xcom<{ accuracy: number }>('weekly_model_retrain', runId, 'report')).accuracy).toBeGreaterThan(0.85);
    },
  },
  data_drift_detection: {
    conf: { batch: 'latest' },
    check: async (runId) => {
      expect((await xcom<{ drift: boolean }>('data_drift_detection', runId, 'detect_drift')).drift).toBe(false);
    },
  },
  retrain_on_drift: {
    // Scheduled on asset iris/drift: a drifted batch found by data_drift_detection is what runs it.
    start: async () => {
      const before = await lastRunPk();
      await trigger(rt, 'data_drift_detection', { conf: { batch: 'drifted' } });
      return nextRunOf('retrain_on_drift', before);
    },
  },
  images_to_text: {
    start: () => trigger(rt, 'images_to_text', { logicalDate: SAME_DAY }),
    check: async (runId) => {
      expect(JSON.stringify(await xcom('images_to_text', runId, 'extract_text')).toLowerCase()).toContain('weather');
    },
  },
  text_to_model: {
    // Its sensor waits for images_to_text's extract_text at the same logical date (that case ran it).
    start: () => trigger(rt, 'text_to_model', { logicalDate: SAME_DAY }),
  },
  isolated_dependencies: {
    check: async (runId) => {
      const versions = await Promise.all(['filesize_v6', 'filesize_v8', 'filesize_v10', 'filesize_v11'].map((t) =>
        xcom<{ version: string }>('isolated_dependencies', runId, t).then((v) => v.version.split('.')[0])));
      expect(versions).toEqual(['6', '8', '10', '11']);
    },
  },
  aws_athena_example: {
    // Its aws_default points at the fake Athena server, whose queries succeed at once with 3 rows.
    check: async (runId) => {
      const report = await xcom<{ row_count: number; output_location: string }>('aws_athena_example', runId, 'report');
      expect(report.row_count).toBe(3);
      expect(report.output_location).toMatch(/^s3:\/\/flashflow-example-athena-results\/aws_athena_example\/.+\.csv$/);
    },
  },
  catalog_request: {
    conf: { document: { id: 'report-2026', title: 'Annual report', pages: ['Annual report 2026', 'Abstract\nWhat we catalogued.\n\nContact: desk@example.com'] } },
    check: async (runId) => {
      expect(await xcom('catalog_request', runId, 'validate')).toMatchObject({ document_id: 'report-2026', valid: true, issues: [] });
      // The model server answers about a third of the calls 503: those were retried, and each step succeeded once.
      expect(model.stats().requests - model.stats().errors).toBe(4);
    },
  },
};

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'ff-shipped-'));
  [ftp, llm, athena, model] = await Promise.all([
    startDemoFtpServer({ root: path.join(scratch, 'ftp'), port: 0 }),
    startFakeOpenAiServer(),
    startFakeAthenaServer(),
    startModelServer({ port: 0, latencyMs: 5, errorRate: 0.3, seed: 7 }),
  ]);
  const cards = answerSampleCards(new Set());
  const cv = answerSampleCv();
  llm.otherwise((request) => (isCvRequest(request) ? cv(request) : cards(request)));
  rt = await startTestRuntime(WORKFLOWS, {
    ...npmEnv(),
    FLASHFLOW_CONN_FTP_DEFAULT: ftp.url,
    FLASHFLOW_CONN_AWS_DEFAULT: fakeAthenaConnUri(athena),
    FLASHFLOW_CONN_MODEL_DEFAULT: model.url,
    FLASHFLOW_ENVS_DIR: path.join(scratch, 'envs'),
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_API_KEY: 'sk-test',
    FLASHFLOW_LLM_MODEL: 'fake-model',
  }, { clock, createScheduledRuns: true });
  // Several ship paused (Airflow's is_paused_upon_creation); a paused DAG's runs wait, so switch them all on.
  for (const dagId of Object.keys(CASES)) await setPaused(rt.db.sql, dagId, false).catch(() => null);
}, 120_000);

afterAll(async () => {
  await rt?.stop();
  await Promise.all([ftp?.close(), llm?.close(), athena?.close(), model?.close()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the DAGs shipped in workflows/', { timeout: 300_000 }, () => {
  it('all load without import errors, and each has a case here', async () => {
    expect(await rt.db.sql.query(`SELECT filename, stacktrace FROM import_error`)).toEqual([]);
    const dags = await rt.db.sql.query<{ dag_id: string }>(`SELECT dag_id FROM dag WHERE is_active ORDER BY dag_id`);
    expect(dags.map((d) => d.dag_id)).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.keys(CASES))('%s runs to success', async (dagId) => {
    const c = CASES[dagId]!;
    const runId = c.start ? await c.start() : await trigger(rt, dagId, { conf: c.conf ?? {} });
    const state = await waitForRun(rt, dagId, runId, RUN_TIMEOUT);
    // The errors in the assertion, so a failure here says which task failed and why.
    const errors = await rt.db.sql.query<{ task_id: string; state: string; last_error: string | null }>(
      `SELECT task_id, state, last_error FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND state NOT IN ('success', 'skipped')`,
      [dagId, runId]);
    expect({ state, errors }).toEqual({ state: 'success', errors: [] });
    await c.check?.(runId);
  });

  it('leaves no run unfinished, including the ones their schedules created', async () => {
    const deadline = Date.now() + RUN_TIMEOUT;
    let open: unknown[] = [];
    while (Date.now() < deadline) {
      open = await rt.db.sql.query(`SELECT dag_id, run_id, state FROM dag_run WHERE state NOT IN ('success', 'failed')`);
      if (open.length === 0) break;
      // A scheduled text_to_model run may have poked before its images_to_text run was done: bring its next poke.
      clock.advance(60_000);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(open).toEqual([]);
    expect(await rt.db.sql.query(`SELECT dag_id, run_id FROM dag_run WHERE state = 'failed'`)).toEqual([]);
  });
});
