// Faults while busy (issue 14), on real servers this file starts once: PostgreSQL, Redis, a webserver, an active and a
// standby scheduler with the BullMQ executor, and two workers. Each fault hits while runs of a three-step DAG have
// tries queued and running; afterwards the database must show every triggered run ended once, every task instance
// in one terminal state, and history rows matching the try numbers and every state change (state-audit).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { childProcesses, FlashflowProcess, fixturePath, waitUntil } from '../support/cli-harness';
import { startPostgresServer, type OwnPostgresServer } from '../support/postgres-server';
import { startRedisServer, type OwnRedisServer } from '../support/redis-server';
import { startScaleOutCluster, type ScaleOutCluster } from '../support/scale-out-cluster';
import { changesOutsideTheTable, historyMismatches, installStateAudit } from '../support/state-audit';
import type { SqlClient } from '../../lib/store/database';

const DAGS = fixturePath('dags-faults');
const DAG_ID = 'faults_chain';
const TASKS = ['first', 'second', 'third'];
const SCHEDULER_ENV = { FLASHFLOW_EXECUTOR: 'bullmq', FLASHFLOW_ZOMBIE_THRESHOLD_MS: '7000', FLASHFLOW_POLL_INTERVAL_MS: '500' };
const RUN_END_MS = 90_000;

let postgres: OwnPostgresServer;
let redis: OwnRedisServer;
let cluster: ScaleOutCluster;
let web: ScaleOutCluster['web'];
let active: FlashflowProcess;
let standby: FlashflowProcess;
const workers: FlashflowProcess[] = [];
const triggered: string[] = [];
const start = (command: string, extra?: Record<string, string>) => cluster.start([command], extra);
const query = <T>(text: string, params?: unknown[]) => cluster.query<T>(text, params);

// The audit's reads and its one-off install, each on a connection of its own: the servers restart under this file.
const sql: SqlClient = {
  query: <T>(text: string, params: unknown[] = []) => query<T>(text, params),
  exec: async (text: string) => void (await query(text)),
  transaction: () => Promise.reject(new Error('the fault tests read the database outside transactions')),
};

async function trigger(prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}_${i}`);
  for (const id of ids) {
    const response = await fetch(`${web.url}/api/v1/dags/${DAG_ID}/dagRuns`, {
      method: 'POST',
      headers: { ...web.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ dag_run_id: id }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    triggered.push(id);
  }
  return ids;
}

async function untilRunsEnd(ids: string[]): Promise<Array<{ run_id: string; state: string }>> {
  return waitUntil(async () => {
    const runs = await query<{ run_id: string; state: string }>(
      `SELECT run_id, state FROM dag_run WHERE dag_id = $1 AND run_id = ANY($2) ORDER BY run_id`, [DAG_ID, ids]);
    return runs.length === ids.length && runs.every((r) => r.state === 'success' || r.state === 'failed') ? runs : null;
  }, `runs ${ids.join(', ')} to end`, RUN_END_MS, 250);
}

/** Waits until tries of `ids` are running (at least `running`) and, if asked, others still queued. */
async function untilBusy(ids: string[], running: number, queued = 0): Promise<void> {
  await waitUntil(async () => {
    const [row] = await query<{ running: number; queued: number }>(
      `SELECT count(*) FILTER (WHERE state = 'running')::int AS running, count(*) FILTER (WHERE state = 'queued')::int AS queued
       FROM task_instance WHERE dag_id = $1 AND run_id = ANY($2)`, [DAG_ID, ids]);
    return row && row.running >= running && row.queued >= queued;
  }, `${running} tries running and ${queued} queued`, 60_000, 50);
}

/** What must hold after every fault, read from the database alone. */
async function expectConsistentDatabase(): Promise<void> {
  const runs = await query<{ run_id: string; n: number; state: string }>(
    `SELECT run_id, count(*)::int AS n, min(state) AS state FROM dag_run WHERE dag_id = $1 GROUP BY run_id ORDER BY run_id`, [DAG_ID]);
  expect(runs.map((r) => r.run_id)).toEqual([...triggered].sort());
  expect(runs.filter((r) => r.n !== 1 || r.state !== 'success')).toEqual([]);
  const tis = await query<{ run_id: string; task_id: string; state: string; try_number: number; tries: number[] }>(
    `SELECT ti.run_id, ti.task_id, ti.state, ti.try_number,
            coalesce(array_agg(h.try_number ORDER BY h.id) FILTER (WHERE h.id IS NOT NULL), '{}') AS tries
     FROM task_instance ti LEFT JOIN task_instance_history h ON h.ti_id = ti.id
     WHERE ti.dag_id = $1 GROUP BY ti.id ORDER BY ti.run_id, ti.task_id`, [DAG_ID]);
  expect(tis).toHaveLength(triggered.length * TASKS.length);
  // One terminal state each, and one history row per try: 1, 2, … up to the try it ended with.
  expect(tis.filter((t) => t.state !== 'success')).toEqual([]);
  expect(tis.filter((t) => t.tries.join() !== Array.from({ length: t.try_number }, (_, i) => i + 1).join())).toEqual([]);
  // No try ran twice under one number: each logged its first line once.
  const twice = await query<{ ti_id: string; try_number: number; n: number }>(
    `SELECT ti_id, try_number, count(*)::int AS n FROM task_log WHERE line LIKE '% begins in pid %' GROUP BY ti_id, try_number HAVING count(*) > 1`);
  expect(twice).toEqual([]);
  expect(await changesOutsideTheTable(sql)).toEqual([]);
  expect(await historyMismatches(sql)).toEqual([]);
}

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  cluster = await startScaleOutCluster({ dagsFolder: DAGS, postgres, redis, env: { FLASHFLOW_WORKER_CONCURRENCY: '3' }, schedulerEnv: SCHEDULER_ENV });
  ({ web, scheduler: active } = cluster);
  standby = start('scheduler', SCHEDULER_ENV);
  for (let i = 0; i < 2; i++) workers.push(start('worker'));
  await Promise.all([standby.waitFor(/waiting as its standby/, 120_000), ...workers.map((w) => w.waitFor(/is taking tries from Redis/, 120_000))]);
  await installStateAudit(sql);
}, 300_000);

afterEach((context) => {
  // What the processes said is the only account of a failure on their side.
  if (context.task.result?.state !== 'fail') return;
  for (const p of cluster.processes) console.error(`--- flashflow ${p.child.spawnargs.slice(2).join(' ')} (pid ${p.pid})\n${p.output.slice(-4_000)}`);
});

afterAll(async () => {
  await cluster?.stop();
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

describe('faults under load', () => {
  it('a SIGKILLed worker: each try it held ends by its retry policy, none runs twice, its log so far is kept', async () => {
    const ids = await trigger('worker_kill', 4);
    const [victim, survivor] = workers as [FlashflowProcess, FlashflowProcess];
    // Tries running on the victim's runner, as the database knows them, once one of them has a log line there: a
    // line still in the worker's 20 ms event batch when it dies is lost with it, what reached the scheduler is kept.
    const held = await waitUntil(async () => {
      const runners = childProcesses(victim.pid, 'local/runner.ts');
      const rows = await query<{ id: string; run_id: string; task_id: string; try_number: number; logged: boolean }>(
        `SELECT id, run_id, task_id, try_number,
                EXISTS (SELECT 1 FROM task_log l WHERE l.ti_id = ti.id AND l.try_number = ti.try_number) AS logged
         FROM task_instance ti WHERE dag_id = $1 AND run_id = ANY($2) AND state = 'running' AND pid = ANY($3)`,
        [DAG_ID, ids, runners]);
      return rows.some((r) => r.logged) ? rows : null;
    }, 'a try running on the first worker, with its first log line recorded', 60_000, 20);
    victim.killGroup();
    await victim.exited;
    workers.splice(0, 1);
    const runs = await untilRunsEnd(ids);
    expect(runs.map((r) => r.state)).toEqual(ids.map(() => 'success'));
    for (const h of held) {
      const history = await query<{ try_number: number; state: string; error: string | null }>(
        `SELECT try_number, state, error FROM task_instance_history WHERE ti_id = $1 ORDER BY id`, [h.id]);
      expect(history[0]).toMatchObject({ try_number: h.try_number, state: 'up_for_retry', error: expect.stringMatching(/sent nothing|stopped before/) });
      expect(history.at(-1)).toMatchObject({ state: 'success' });
      if (!h.logged) continue;
      const log = await fetch(`${web.url}/api/v1/dags/${DAG_ID}/dagRuns/${h.run_id}/taskInstances/${h.task_id}/logs/${h.try_number}`, {
        headers: { ...web.auth, accept: 'text/plain' },
      });
      expect(await log.text()).toContain(`${h.task_id} try ${h.try_number} begins`);
    }
    await expectConsistentDatabase();
    expect(survivor.child.exitCode).toBeNull();
  }, 120_000);

  it('a SIGKILLed active scheduler: the standby takes over within 10 s and adopts what is queued or running', async () => {
    const ids = await trigger('scheduler_kill', 4);
    await untilBusy(ids, 2, 1);
    const killedAt = Date.now();
    active.killGroup();
    await standby.waitFor(/scheduler is active \(/, 60_000);
    const failoverS = (Date.now() - killedAt) / 1000;
    console.info(`scheduler_failover_s=${failoverS.toFixed(2)}`);
    expect(failoverS).toBeLessThanOrEqual(10);
    [active, standby] = [standby, active];
    const runs = await untilRunsEnd(ids);
    expect(runs.map((r) => r.state)).toEqual(ids.map(() => 'success'));
    // Adopted, not lost: no try of these runs was retried.
    const retried = await query<{ task_id: string; try_number: number }>(
      `SELECT task_id, try_number FROM task_instance WHERE dag_id = $1 AND run_id = ANY($2) AND try_number <> 1`, [DAG_ID, ids]);
    expect(retried).toEqual([]);
    await expectConsistentDatabase();
  }, 120_000);

  it('a Redis restart: tries queued but not taken are queued again from the database, nothing is lost', async () => {
    const ids = await trigger('redis_restart', 5);
    await untilBusy(ids, 2, 2);
    await redis.restart();
    const runs = await untilRunsEnd(ids);
    expect(runs.map((r) => r.state)).toEqual(ids.map(() => 'success'));
    // Queued tries were queued again, not failed as lost: no try ended because its queue job vanished.
    const lost = await query<{ error: string }>(
      `SELECT error FROM task_instance_history WHERE dag_id = $1 AND run_id = ANY($2) AND error LIKE '%stopped before it reported%'`, [DAG_ID, ids]);
    expect(lost).toEqual([]);
    expect(active.output).toMatch(/its queue job is gone from Redis \(restarted or flushed\?\); queued again/);
    await expectConsistentDatabase();
    expect([active, ...workers].filter((p) => p.child.exitCode !== null || p.child.signalCode !== null)).toEqual([]);
  }, 120_000);

  it('a PostgreSQL restart: processes reconnect and carry on, the webserver answers 503 problem+json meanwhile', async () => {
    const ids = await trigger('postgres_restart', 4);
    await untilBusy(ids, 2);
    const downAnswers: Array<{ status: number; type: string | null; body: string }> = [];
    const webProcess = cluster.processes[0]!;
    const webLogBefore = webProcess.stderr.length;
    await postgres.restart(async () => {
      for (const path of ['/api/v1/dags', `/api/v1/dags/${DAG_ID}/dagRuns`]) {
        const response = await fetch(`${web.url}${path}`, { headers: web.auth });
        downAnswers.push({ status: response.status, type: response.headers.get('content-type'), body: await response.text() });
      }
      // Long enough for every process to notice and to retry at least once.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    });
    for (const answer of downAnswers) {
      expect(answer).toMatchObject({ status: 503, type: expect.stringContaining('application/problem+json') });
      expect(answer.body).not.toMatch(/\n\s+at /);
    }
    // The webserver's own log says it in one line, not a stack trace per request.
    const webLog = webProcess.stderr.slice(webLogBefore);
    expect(webLog).toMatch(/database unreachable \(.+\): answering 503/);
    expect(webLog).not.toMatch(/\n\s+at /);
    const runs = await untilRunsEnd(ids);
    expect(runs.map((r) => r.state)).toEqual(ids.map(() => 'success'));
    // Carried on: the same processes, and a run triggered after the restart runs too.
    expect([active, ...workers].filter((p) => p.child.exitCode !== null || p.child.signalCode !== null)).toEqual([]);
    await untilRunsEnd(await trigger('after_postgres_restart', 1));
    await expectConsistentDatabase();
  }, 120_000);
});
