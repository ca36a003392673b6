// The scheduler group of `npm run bench`: 100 runs × 10 linear no-op tasks on the embedded engine with its default
// executor slots (2 runner processes × 16 on two cores: 32 slots for 100 chains), then with a slot for every chain
// (as Astronomer measured Airflow 2.0's 11.6 s total task lag), each beside the batched-SQL floor of the same
// transitions at the same slot count; and the hop latency beside bare child-process IPC.
import os from 'node:os';
import type { Runtime } from '../lib/runtime/start-runtime';
import { measureBatchedFloor, type FloorResult } from './db-floor';
import { measureIpcRoundtrip } from './ipc-roundtrip';
import { report } from './report';
import { measureHops, measureThroughput, warmUp, withBenchRuntime, type ThroughputResult } from './scheduler-throughput';

const RUNS = 100;
const TASKS = 10;
/** Astronomer's published total task lag of Airflow 2.0 for 100 runs × 10 linear tasks, with slots for every chain. */
const AIRFLOW_2_LAG_S = 11.6;

interface Configuration {
  slots: number;
  throughput: ThroughputResult;
}

export interface SchedulerBench {
  bounded: Configuration & { hops: { p50: number; p95: number } };
  unbounded: Configuration;
  floors: Map<number, FloorResult>;
  ipc: { p50: number; p95: number };
}

async function configuration<T>(env: Record<string, string>, more: (rt: Runtime) => Promise<T>) {
  return withBenchRuntime(async (rt) => {
    await warmUp(rt);
    const slots = rt.config.executor.processes * rt.config.executor.concurrency;
    const throughput = await measureThroughput(rt, RUNS);
    return { slots, throughput, ...(await more(rt)) };
  }, env);
}

export async function measureScheduler(): Promise<SchedulerBench> {
  const ipc = await measureIpcRoundtrip();
  const bounded = await configuration({}, async (rt) => ({ hops: await measureHops(rt, 5) }));
  // The default process count, each with enough concurrent tries that every chain has a slot.
  const perProcess = Math.ceil(RUNS / os.availableParallelism());
  const unbounded = await configuration({ FLASHFLOW_WORKER_CONCURRENCY: String(perProcess) }, async () => ({}));
  if (unbounded.slots < RUNS) throw new Error(`the unbounded configuration has ${unbounded.slots} slots for ${RUNS} chains`);
  const floors = await measureBatchedFloor({ runs: RUNS, tasks: TASKS }, [bounded.slots, unbounded.slots]);
  return { bounded, unbounded, floors, ipc };
}

export function reportScheduler(b: SchedulerBench): void {
  const tasks = RUNS * TASKS;
  const floorOf = (c: Configuration) => {
    const f = b.floors.get(c.slots)!;
    return { f, baseline: { name: `batched-SQL floor, ${c.slots} slots (${f.statements} statements, ${f.ticks} ticks)`, value: f.s, unit: 's' } };
  };
  report({ name: 'ipc_roundtrip_p50_ms', value: b.ipc.p50, unit: 'ms', note: `floor: bare child-process IPC (p95 ${b.ipc.p95.toFixed(3)} ms)` });
  const bounded = floorOf(b.bounded);
  report({
    name: 'scheduler_100x10_linear_s', value: b.bounded.throughput.wallS, unit: 's', baseline: bounded.baseline,
    note: `${Math.round(b.bounded.throughput.tasksPerS)} tasks/s, ${b.bounded.slots} executor slots; runs triggered inside the timing; runtime start, DAG parsing, runner warm-up outside`,
  });
  report({
    name: 'scheduler_100x10_total_lag_s', value: b.bounded.throughput.totalLagS, unit: 's',
    note: `${(b.bounded.throughput.totalLagS * 1000 / tasks).toFixed(1)} ms/task; ${RUNS} chains share ${b.bounded.slots} slots`,
  });
  const unbounded = floorOf(b.unbounded);
  report({
    name: 'scheduler_100x10_linear_s_unbounded_slots', value: b.unbounded.throughput.wallS, unit: 's', baseline: unbounded.baseline,
    note: `${Math.round(b.unbounded.throughput.tasksPerS)} tasks/s, ${b.unbounded.slots} executor slots (one per chain or more)`,
  });
  report({
    name: 'scheduler_100x10_total_lag_s_unbounded_slots', value: b.unbounded.throughput.totalLagS, unit: 's',
    baseline: { name: 'Airflow 2.0, Astronomer, a slot per chain', value: AIRFLOW_2_LAG_S, unit: 's' },
    note: `${(b.unbounded.throughput.totalLagS * 1000 / tasks).toFixed(1)} ms/task; ${b.unbounded.slots} slots for ${RUNS} chains`,
  });
  report({ name: 'rss_bench_mb', value: b.bounded.throughput.rssBenchMb, unit: 'MiB', note: 'peak RSS of the engine process during the 100×10 run' });
  const ipcBase = { name: 'ipc_roundtrip_p50_ms', value: b.ipc.p50, unit: 'ms' };
  report({ name: 'hop_latency_p50_ms', value: b.bounded.hops.p50, unit: 'ms', baseline: ipcBase });
  report({ name: 'hop_latency_p95_ms', value: b.bounded.hops.p95, unit: 'ms', baseline: ipcBase });
}
