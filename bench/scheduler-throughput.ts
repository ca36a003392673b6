// Benchmarks 1 and 2 of the foundation issue, on the real engine (file-backed PGlite, LocalExecutor):
// 100 runs × 10 linear no-op tasks (wall time, tasks/s, total task lag), and the hop latency of one
// 10-task chain (upstream end → downstream start).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/runtime/config';
import { startRuntime, type Runtime } from '../lib/runtime/start-runtime';
import { triggerDagRun } from '../lib/store/trigger-dag-run';
import { percentile } from './report';

const WORKFLOWS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workflows');

export interface ThroughputResult {
  wallS: number;
  tasksPerS: number;
  totalLagS: number;
  rssBenchMb: number;
}

export async function withBenchRuntime<T>(fn: (rt: Runtime) => Promise<T>, extraEnv: Record<string, string> = {}): Promise<T> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-'));
  const config = loadConfig({ FLASHFLOW_HOME: home, FLASHFLOW_DAGS_FOLDER: WORKFLOWS, FLASHFLOW_LOG_LEVEL: 'warn', ...extraEnv });
  const runtime = await startRuntime(config, { log: () => {}, createScheduledRuns: false });
  try {
    return await fn(runtime);
  } finally {
    await runtime.stop();
    await rm(home, { recursive: true, force: true });
  }
}

async function waitForRuns(rt: Runtime, runIds: string[], sampleRss: () => void): Promise<void> {
  for (;;) {
    sampleRss();
    const [row] = await rt.db.sql.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM dag_run WHERE run_id = ANY($1::text[]) AND state IN ('queued', 'running')`,
      [runIds],
    );
    if (row!.open === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

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
  const sample = () => (rss = Math.max(rss, process.memoryUsage().rss));
  const started = performance.now();
  const ids = await triggerMany(rt, 'throughput', runs);
  rt.scheduler.wake();
  await waitForRuns(rt, ids, sample);
  const wallS = (performance.now() - started) / 1000;
  const [bad] = await rt.db.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dag_run WHERE run_id = ANY($1::text[]) AND state <> 'success'`,
    [ids],
  );
  if (bad!.n > 0) throw new Error(`${bad!.n} benchmark runs did not succeed`);
  return { wallS, tasksPerS: (runs * 10) / wallS, totalLagS: await totalLagSeconds(rt, ids), rssBenchMb: rss / 2 ** 20 };
}

let hopSeq = 0;

export async function measureHops(rt: Runtime, chains = 5): Promise<{ p50: number; p95: number }> {
  const hops: number[] = [];
  for (let c = 0; c < chains; c++) {
    const [runId] = await triggerMany(rt, `hop${hopSeq++}`, 1);
    rt.scheduler.wake();
    await waitForRuns(rt, [runId!], () => {});
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
