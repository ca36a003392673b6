// Benchmarks 1 and 2 of the foundation issue, on the real engine (file-backed PGlite, LocalExecutor):
// 100 runs × 10 linear no-op tasks (wall time, tasks/s, total task lag), and the hop latency of one
// 10-task chain (upstream end → downstream start). Outside the timing: the runtime's start (database, migrations),
// parsing the DAG folder (done before startRuntime returns) and warming the runners (warmUp). Inside: triggering the
// runs (their creation is part of the work) up to the end of the last one.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/runtime/config';
import { startRuntime, type Runtime } from '../lib/runtime/start-runtime';
import type { TickStats } from '../lib/engine/scheduler';
import { LocalExecutor } from '../lib/executors/local/local-executor';
import { triggerDagRun } from '../lib/store/trigger-dag-run';
import { percentile } from './report';

const WORKFLOWS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workflows');

export interface ThroughputResult {
  wallS: number;
  tasksPerS: number;
  totalLagS: number;
  rssBenchMb: number;
}

/** Settles after the next scheduler tick that ended a run (or after a second, whichever comes first). */
const runsEnded = new Map<Runtime, () => Promise<void>>();

export async function withBenchRuntime<T>(fn: (rt: Runtime) => Promise<T>, extraEnv: Record<string, string> = {}): Promise<T> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-'));
  const config = loadConfig({ FLASHFLOW_HOME: home, FLASHFLOW_DAGS_FOLDER: WORKFLOWS, FLASHFLOW_LOG_LEVEL: 'warn', ...extraEnv });
  let waiters: Array<() => void> = [];
  const onTick = (stats: TickStats) => {
    if (stats.finishedRuns === 0) return;
    for (const w of waiters) w();
    waiters = [];
  };
  const runtime = await startRuntime(config, { log: () => {}, createScheduledRuns: false, onTick });
  runsEnded.set(runtime, () => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    waiters.push(() => (clearTimeout(timer), resolve()));
  }));
  try {
    return await fn(runtime);
  } finally {
    runsEnded.delete(runtime);
    await runtime.stop();
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Waits on the scheduler's ticks rather than polling the database: a poll every few milliseconds would take the one
 * embedded connection from the scheduler it measures.
 */
async function waitForRuns(rt: Runtime, runIds: string[]): Promise<void> {
  const nextEnd = runsEnded.get(rt) ?? (() => new Promise<void>((r) => setTimeout(r, 5)));
  for (;;) {
    const ended = nextEnd();
    const [row] = await rt.db.sql.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM dag_run WHERE run_id = ANY($1::text[]) AND state IN ('queued', 'running')`,
      [runIds],
    );
    if (row!.open === 0) return;
    await ended;
  }
}

/**
 * Warms what a long-running server has warm: every runner process has imported the DAG file and run tries, and the
 * scheduler's code paths and prepared statements are hot. Throws when a runner was left cold, so it cannot end up in
 * the timing.
 */
export async function warmUp(rt: Runtime, runs = 20): Promise<void> {
  const ids = await triggerMany(rt, `warm${warmSeq++}`, runs);
  rt.scheduler.wake();
  await waitForRuns(rt, ids);
  if (!(rt.executor instanceof LocalExecutor)) return; // remote workers: their runners are not this process's to check
  const pids = rt.executor.pids;
  const rows = await rt.db.sql.query<{ pid: number }>(`SELECT DISTINCT pid FROM task_instance WHERE run_id = ANY($1::text[])`, [ids]);
  const used = new Set(rows.map((r) => r.pid));
  const cold = pids.filter((p) => !used.has(p));
  if (cold.length) throw new Error(`warm-up left runner process(es) ${cold.join(', ')} without a try; the timing would include their warm-up`);
}

let warmSeq = 0;

async function triggerMany(rt: Runtime, prefix: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date();
  for (let i = 0; i < count; i++) {
    const runId = `${prefix}_${i}`;
    await triggerDagRun(rt.db.sql, { dagId: 'bench_linear', runId, logicalDate: new Date(now.getTime() + i) }, now);
    ids.push(runId);
  }
  return ids;
}

/** Sum over tasks of (start − the moment it became ready: its upstream's end, or its run's start). */
async function totalLagSeconds(rt: Runtime, runIds: string[]): Promise<number> {
  const [row] = await rt.db.sql.query<{ lag: number }>(
    `SELECT sum(EXTRACT(EPOCH FROM ti.start_date - coalesce(up.end_date, r.start_date)))::float8 AS lag
     FROM task_instance ti
     JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
     LEFT JOIN task_instance up ON up.dag_id = ti.dag_id AND up.run_id = ti.run_id
       AND up.task_id = 't' || (substring(ti.task_id FROM 2)::int - 1)
     WHERE ti.run_id = ANY($1::text[])`,
    [runIds],
  );
  return row!.lag;
}

export async function measureThroughput(rt: Runtime, runs = 100): Promise<ThroughputResult> {
  let rss = process.memoryUsage().rss;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const ids = await triggerMany(rt, `throughput${throughputSeq++}`, runs);
  rt.scheduler.wake();
  await waitForRuns(rt, ids);
  const wallS = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const [bad] = await rt.db.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dag_run WHERE run_id = ANY($1::text[]) AND state <> 'success'`,
    [ids],
  );
  if (bad!.n > 0) throw new Error(`${bad!.n} benchmark runs did not succeed`);
  return { wallS, tasksPerS: (runs * 10) / wallS, totalLagS: await totalLagSeconds(rt, ids), rssBenchMb: rss / 2 ** 20 };
}

let throughputSeq = 0;
let hopSeq = 0;

export async function measureHops(rt: Runtime, chains = 5): Promise<{ p50: number; p95: number }> {
  const hops: number[] = [];
  for (let c = 0; c < chains; c++) {
    const [runId] = await triggerMany(rt, `hop${hopSeq++}`, 1);
    rt.scheduler.wake();
    await waitForRuns(rt, [runId!]);
    const rows = await rt.db.sql.query<{ hop_ms: number }>(
      `SELECT EXTRACT(EPOCH FROM ti.start_date - up.end_date)::float8 * 1000 AS hop_ms
       FROM task_instance ti JOIN task_instance up ON up.dag_id = ti.dag_id AND up.run_id = ti.run_id
         AND up.task_id = 't' || (substring(ti.task_id FROM 2)::int - 1)
       WHERE ti.run_id = $1`,
      [runId],
    );
    hops.push(...rows.map((r) => r.hop_ms));
  }
  return { p50: percentile(hops, 50), p95: percentile(hops, 95) };
}
