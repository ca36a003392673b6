// Remote execution on real servers: PostgreSQL, Redis, a webserver, a scheduler with FLASHFLOW_EXECUTOR=bullmq and
// two `flashflow worker` processes. Tries run on the workers, their service calls reach the webserver with per-try
// tokens, every LLM attempt is recorded, and a killed worker's try is retried on the other one.
import { randomBytes } from 'node:crypto';
import { TryTokens } from '../../lib/ops/auth/try-token';
import { parseSecretKeys } from '../../lib/secrets/secret-key';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedCards } from '../support/fake-card-answers';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';
import { childProcesses, FlashflowProcess, fixturePath, waitUntil } from '../support/cli-harness';
import type { PostgresServer } from '../support/postgres-server';
import type { RedisServer } from '../support/redis-server';
import { startScaleOutCluster, type ScaleOutCluster } from '../support/scale-out-cluster';
import { postgresForFile, redisForFile } from '../support/shared-servers';

const DAGS = fixturePath('dags-workers');
const WORDS = ['chat', 'chien', 'lapin', 'pomme', 'poire', 'livre'];

let postgres: PostgresServer;
let redis: RedisServer;
let fake: FakeOpenAiServer;
let cluster: ScaleOutCluster;
let scheduler: FlashflowProcess;
const SCHEDULER_ENV = { FLASHFLOW_EXECUTOR: 'bullmq', FLASHFLOW_ZOMBIE_THRESHOLD_MS: '3000' };
const workers: FlashflowProcess[] = [];
const start = (command: string, extra?: Record<string, string>) => cluster.start([command], extra);
const api = <T>(path: string, init?: RequestInit) => cluster.api<T>(path, init);
const query = <T>(sql: string, params?: unknown[]) => cluster.query<T>(sql, params);

async function runToEnd(dagId: string, runId: string, conf: Record<string, unknown>): Promise<string> {
  await api(`/dags/${dagId}/dagRuns`, { method: 'POST', body: JSON.stringify({ dag_run_id: runId, conf }) });
  const run = await waitUntil(async () => {
    const r = await api<{ state: string }>(`/dags/${dagId}/dagRuns/${runId}`);
    return r.state === 'success' || r.state === 'failed' ? r : null;
  }, `run ${runId} to end`, 60_000, 200);
  return run.state;
}

beforeAll(async () => {
  [postgres, redis, fake] = await Promise.all([postgresForFile(), redisForFile(), startFakeOpenAiServer()]);
  fake.otherwise(scriptedCards(WORDS));
  cluster = await startScaleOutCluster({
    dagsFolder: DAGS,
    postgres,
    redis,
    env: { FLASHFLOW_WORKER_CONCURRENCY: '4' },
    webEnv: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test', FLASHFLOW_LLM_MODEL: 'fake-model' },
    schedulerEnv: SCHEDULER_ENV,
    startTimeoutMs: 90_000,
  });
  scheduler = cluster.scheduler;
  for (let i = 0; i < 2; i++) {
    const w = start('worker', { FLASHFLOW_VAR_WORKER_PIN: 'set on the workers' });
    workers.push(w);
    await w.waitFor(/is taking tries from Redis/, 60_000);
  }
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await Promise.all([postgres?.stop(), redis?.stop(), fake?.close()]);
});

describe('remote workers through BullMQ', () => {
  it('run the tries, answer their service calls through the webserver, and record every LLM attempt', async () => {
    expect(await runToEnd('french_flashcards', 'deck_on_workers', { deck_name: 'Workers', vocabulary: WORDS.join('\n') })).toBe('success');
    const cards = await query<{ word: string; status: string }>(`SELECT word, status FROM card ORDER BY word`);
    expect(cards).toEqual([...WORDS].sort().map((word) => ({ word, status: 'valid' })));
    expect(fake.calls).toBe(WORDS.length);
    const attempts = await query<{ n: number }>(`SELECT count(*)::int AS n FROM llm_attempt WHERE run_id = 'deck_on_workers' AND valid`);
    expect(attempts[0]!.n).toBe(WORDS.length);
    // Run by the workers' runner processes (the scheduler has none with this executor).
    const tis = await query<{ pid: number }>(`SELECT DISTINCT pid FROM task_instance WHERE run_id = 'deck_on_workers'`);
    const runners = workers.flatMap((w) => childProcesses(w.pid, 'local/runner.ts'));
    expect(tis.length).toBeGreaterThan(0);
    for (const ti of tis) expect(runners).toContain(ti.pid);
  });

  it('passes XComs through the webserver, reads the variables pinned on the worker, and keeps each try log', async () => {
    expect(await runToEnd('remote_work', 'xcom_round_trip', {})).toBe('success');
    const ti = await api<{ state: string }>(`/dags/remote_work/dagRuns/xcom_round_trip/taskInstances/read_back`);
    expect(ti.state).toBe('success');
    const read = await api<{ value: string }>(`/dags/remote_work/dagRuns/xcom_round_trip/taskInstances/read_back/xcomEntries/return_value`);
    expect(JSON.parse(read.value)).toMatchObject({ where: { try: 1 }, pinned: 'set on the workers' });
    const log = await (await fetch(`${cluster.web.url}/api/v1/dags/remote_work/dagRuns/xcom_round_trip/taskInstances/where/logs/1`, {
      headers: { ...cluster.web.auth, accept: 'text/plain' },
    })).text();
    expect(log).toMatch(/try 1 runs in pid \d+/);
  });

  it('answers a service call only with a valid token of a try that still runs', async () => {
    const tokens = new TryTokens(parseSecretKeys(cluster.env.FLASHFLOW_SECRET_KEY!, 'FLASHFLOW_SECRET_KEY'));
    const [ti] = await query<{ id: string; try_number: number }>(`SELECT id, try_number FROM task_instance WHERE run_id = 'xcom_round_trip' AND task_id = 'read_back'`);
    const claims = { tiId: ti!.id, tryNumber: ti!.try_number, dagId: 'remote_work', runId: 'xcom_round_trip', taskId: 'read_back', mapIndex: -1 };
    const call = (authorization: string | null, body: unknown = { method: 'xcom.pull', payload: { taskId: 'where', mapIndex: null } }) =>
      fetch(`${cluster.web.url}/execution/services`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
    expect((await call(null)).status).toBe(401);
    expect((await call(`Bearer ${cluster.web.auth.authorization!.slice(6)}`)).status).toBe(401);
    const forged = new TryTokens([randomBytes(32)]).issue(claims, new Date(), 60_000);
    expect((await call(`Bearer ${forged}`)).status).toBe(401);
    // A genuine token of a try that has ended: refused for good, so the task would not retry the call.
    const ended = await call(`Bearer ${tokens.issue(claims, new Date(), 60_000)}`);
    expect(ended.status).toBe(409);
    expect(await ended.json()).toMatchObject({ permanent: true, detail: expect.stringContaining('no longer running') });
  });

  it('a standby scheduler that takes over adopts the try running on a worker instead of failing it', async () => {
    const standby = start('scheduler', SCHEDULER_ENV);
    await standby.waitFor(/waiting as its standby/, 60_000);
    await api(`/dags/remote_work/dagRuns`, { method: 'POST', body: JSON.stringify({ dag_run_id: 'failover', conf: { sleep_ms: 3_000 } }) });
    await waitUntil(async () => {
      const rows = await query<{ state: string }>(`SELECT state FROM task_instance WHERE run_id = 'failover' AND task_id = 'where'`);
      return rows[0]?.state === 'running' ? rows : null;
    }, 'the try to run on a worker', 30_000, 100);
    scheduler.killGroup();
    await scheduler.exited;
    await standby.waitFor(/adopted 1 task instance/, 30_000);
    scheduler = standby;
    await waitUntil(async () => {
      const r = await api<{ state: string }>(`/dags/remote_work/dagRuns/failover`);
      return r.state === 'success' ? r : null;
    }, 'the run to succeed under the new scheduler', 30_000, 200);
    const tries = await query<{ try_number: number; state: string }>(
      `SELECT try_number, state FROM task_instance_history WHERE run_id = 'failover' AND task_id = 'where' ORDER BY try_number`,
    );
    expect(tries).toEqual([{ try_number: 1, state: 'success' }]);
  });

  it('retries a try whose worker was killed on the other worker', async () => {
    await api(`/dags/remote_work/dagRuns`, { method: 'POST', body: JSON.stringify({ dag_run_id: 'worker_killed', conf: { sleep_ms: 30_000 } }) });
    const [row] = await waitUntil(async () => {
      const rows = await query<{ pid: number | null; state: string }>(`SELECT pid, state FROM task_instance WHERE run_id = 'worker_killed' AND task_id = 'where'`);
      return rows[0]?.state === 'running' && rows[0].pid ? rows : null;
    }, 'the long try to run on a worker', 30_000, 100);
    const victim = workers.find((w) => childProcesses(w.pid, 'local/runner.ts').includes(row!.pid!));
    if (!victim) throw new Error(`no worker runs pid ${row!.pid}`);
    victim.killGroup();
    await victim.exited;
    // Lost after the zombie threshold (3 s), retried (1 s delay) on the surviving worker, which sleeps 30 s again:
    // the second try is enough to show the takeover.
    const second = await waitUntil(async () => {
      const rows = await query<{ try_number: number; state: string }>(`SELECT try_number, state FROM task_instance WHERE run_id = 'worker_killed' AND task_id = 'where'`);
      return rows[0] && rows[0].try_number === 2 && rows[0].state === 'running' ? rows[0] : null;
    }, 'the second try to run on the other worker', 30_000, 200);
    expect(second.state).toBe('running');
    const [now] = await query<{ pid: number }>(`SELECT pid FROM task_instance WHERE run_id = 'worker_killed' AND task_id = 'where'`);
    const survivor = workers.find((w) => w !== victim)!;
    expect(childProcesses(survivor.pid, 'local/runner.ts')).toContain(now!.pid);
    const history = await query<{ try_number: number; state: string; error: string | null }>(
      `SELECT try_number, state, error FROM task_instance_history WHERE run_id = 'worker_killed' AND task_id = 'where' ORDER BY try_number`,
    );
    expect(history[0]).toMatchObject({ try_number: 1, state: 'up_for_retry', error: expect.stringContaining('sent nothing') });
  });
});
