// `npm run bench`: every benchmark, each printed beside the floor measured in the same run. The load test of the
// scale-out processes takes about ten minutes, so it runs only when named: `npm run bench -- scale`.
import { buildIsStale, runNextBuild } from '../lib/runtime/ensure-build';
import { measureSingleRowWrites } from './db-floor';
import { measureIpcRoundtrip } from './ipc-roundtrip';
import { report } from './report';
import { measureHops, measureThroughput, withBenchRuntime } from './scheduler-throughput';
import { measureStandalone } from './standalone-start';
import { measureFlashcards, WARM_UP_WORDS } from './flashcards';
import { measureGridData } from './grid-data';
import { measureDashboardData, reportDashboardData } from './dashboard-data';
import { measureDeckPage, reportDeckPage } from './deck-page';
import { measureRemoteExecution } from './remote-execution';
import { measureIsolatedEnv, reportIsolatedEnv } from './isolated-env';
import { measureScale, reportScale } from './scale';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
/** Benchmarks too long for the default run. */
const OPT_IN = ['scale'];

const writes = await measureSingleRowWrites();
report({ name: 'db_single_row_writes_per_s', value: writes, unit: 'rows/s', note: 'floor: file-backed PGlite, one INSERT per statement' });
const ipc = await measureIpcRoundtrip();
report({ name: 'ipc_roundtrip_p50_ms', value: ipc.p50, unit: 'ms', note: `floor: bare child-process IPC (p95 ${ipc.p95.toFixed(3)} ms)` });

if (want('scheduler')) {
  await withBenchRuntime(async (rt) => {
    await measureHops(rt, 1); // warm the runner processes and the DAG module cache
    const t = await measureThroughput(rt);
    const writeBaseline = { name: '2 writes per task at the floor rate', value: (1000 * 2) / writes, unit: 's' };
    report({ name: 'scheduler_100x10_linear_s', value: t.wallS, unit: 's', baseline: writeBaseline, note: `${Math.round(t.tasksPerS)} tasks/s; target ≤ 2 s` });
    report({ name: 'scheduler_100x10_total_lag_s', value: t.totalLagS, unit: 's', note: `${(t.totalLagS).toFixed(3)} ms/task; Airflow 2.0 published 11.6 s` });
    report({ name: 'rss_bench_mb', value: t.rssBenchMb, unit: 'MiB', note: 'peak RSS of the engine process during the 100×10 run' });
    const hops = await measureHops(rt, 5);
    const ipcBase = { name: 'ipc_roundtrip_p50_ms', value: ipc.p50, unit: 'ms' };
    report({ name: 'hop_latency_p50_ms', value: hops.p50, unit: 'ms', baseline: ipcBase, note: 'target ≤ 10 ms' });
    report({ name: 'hop_latency_p95_ms', value: hops.p95, unit: 'ms', baseline: ipcBase, note: 'target ≤ 50 ms' });
  });
}

if (want('flashcards')) {
  const f = await measureFlashcards();
  report({ name: 'flashcards_200_words_s', value: f.wallS, unit: 's', baseline: { name: 'ideal 200 × 0.1 s / 8 slots', value: f.idealS, unit: 's' }, note: `${f.attempts} attempts; model call ${f.meanCallMs.toFixed(0)} ms mean; queued→start ${f.meanQueueMs.toFixed(0)} ms mean` });
  report({ name: 'flashcards_ratio_to_ideal', value: f.wallS / f.idealS, unit: '×', note: 'target ≤ 1.3' });
  report({ name: 'flashcards_cold_first_run_s', value: f.warmUpS, unit: 's', note: `the first run after start (${WARM_UP_WORDS} words): runners import the DAG file and the openai package; the 200-word run above comes after it` });
  report({ name: 'llm_overhead_per_attempt_ms', value: f.overheadPerAttemptMs, unit: 'ms', note: 'task time minus LLM latency, per attempt; target ≤ 5 ms' });
}

if (want('grid')) {
  const g = await measureGridData();
  const floor = { name: 'one-row lookup p50', value: g.floorP50, unit: 'ms' };
  report({ name: 'grid_data_p50_ms', value: g.p50, unit: 'ms', baseline: floor, note: '1,000 runs × 10 tasks, latest 25 runs' });
  report({ name: 'grid_data_p95_ms', value: g.p95, unit: 'ms', baseline: floor, note: 'target ≤ 300 ms' });
}

if (want('dashboard')) reportDashboardData(await measureDashboardData());

if (want('deck')) {
  if (buildIsStale(ROOT)) await runNextBuild(ROOT);
  reportDeckPage(await measureDeckPage());
}

if (want('remote')) {
  const r = await measureRemoteExecution();
  const local = r.localOnPostgres;
  const tasks = r.runs * 10;
  report({ name: 'pg_local_20x10_s', value: local.throughput.wallS, unit: 's', note: `${Math.round(local.throughput.tasksPerS)} tasks/s; PostgreSQL, local executor` });
  report({
    name: 'pg_bullmq_20x10_s', value: r.bullmq.throughput.wallS, unit: 's',
    baseline: { name: 'pg_local_20x10_s', value: local.throughput.wallS, unit: 's' },
    note: `${Math.round(r.bullmq.throughput.tasksPerS)} tasks/s; ${tasks} tasks through Redis to one worker (2 × 16 slots)`,
  });
  const localHop = { name: 'PostgreSQL local hop p50', value: local.hops.p50, unit: 'ms' };
  report({ name: 'pg_local_hop_p50_ms', value: local.hops.p50, unit: 'ms', note: `p95 ${local.hops.p95.toFixed(1)} ms` });
  report({ name: 'pg_bullmq_hop_p50_ms', value: r.bullmq.hops.p50, unit: 'ms', baseline: localHop });
  report({ name: 'pg_bullmq_hop_p95_ms', value: r.bullmq.hops.p95, unit: 'ms', baseline: localHop });
}

if (want('standalone')) {
  if (buildIsStale(ROOT)) await runNextBuild(ROOT);
  const s = await measureStandalone();
  report({ name: 'start_to_healthy_s', value: s.restartS, unit: 's', note: 'flashflow standalone with the app built and its database existing' });
  report({ name: 'start_to_healthy_fresh_s', value: s.freshS, unit: 's', note: 'first start on a new home: creates the database' });
  report({ name: 'rss_idle_mb', value: s.rssIdleMb, unit: 'MiB', note: 'standalone process, idle 3 s after healthy' });
}

if (want('isolated')) reportIsolatedEnv(await measureIsolatedEnv());

if (only.includes('scale')) reportScale(await measureScale((line) => process.stdout.write(`${line}\n`)));
else if (only.length === 0) process.stdout.write(`not run: ${OPT_IN.join(', ')} (long; run it by name: npm run bench -- ${OPT_IN[0]})\n`);
