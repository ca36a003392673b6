// What the LocalExecutor costs: boot of a runner process (cold start), and submit → finished of a no-op
// function task on a warm runner, one at a time (latency) and many at once (throughput).
import { fileURLToPath } from 'node:url';
import type { ExecutorEvent, TaskJob } from '../lib/engine/executor-port';
import { LocalExecutor } from '../lib/executors/local/local-executor';

const FILE = fileURLToPath(new URL('./fixtures/noop-dag.ts', import.meta.url));

function noopJob(i: number): TaskJob {
  return {
    type: 'task', tiId: `bench-${i}`, dagId: 'bench_noop', runId: 'bench', taskId: 'noop', mapIndex: -1,
    tryNumber: 1, maxTries: 1, fileloc: FILE, logicalDate: '2024-01-01T00:00:00.000Z',
    dataIntervalStart: '2024-01-01T00:00:00.000Z', dataIntervalEnd: '2024-01-02T00:00:00.000Z',
    conf: {}, item: null, upstream: {}, executionTimeoutMs: null, firstPokeAt: null,
  };
}

export async function measureLocalExecutor(n = 1000): Promise<{
  coldStartMs: number;
  firstJobMs: number;
  p50: number;
  p95: number;
  tasksPerSecond: number;
}> {
  const executor = new LocalExecutor({ processes: 1, concurrency: 64, logger: () => {} });
  const waiting = new Map<string, () => void>();
  executor.onEvent((e: ExecutorEvent) => {
    if (e.type === 'finished') waiting.get(e.tiId)?.();
  });
  const run = (job: TaskJob) =>
    new Promise<void>((resolve) => {
      waiting.set(job.tiId, resolve);
      executor.submit(job);
    });
  try {
    let t0 = performance.now();
    await executor.start();
    const coldStartMs = performance.now() - t0;
    t0 = performance.now();
    await run(noopJob(-1)); // imports the DAG file
    const firstJobMs = performance.now() - t0;

    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await run(noopJob(i));
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;

    // Throughput: keep every slot busy.
    t0 = performance.now();
    let next = n;
    const end = n * 2;
    const worker = async () => {
      while (next < end) await run(noopJob(next++));
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    const tasksPerSecond = (n / (performance.now() - t0)) * 1000;
    return { coldStartMs, firstJobMs, p50: at(0.5), p95: at(0.95), tasksPerSecond };
  } finally {
    await executor.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await measureLocalExecutor();
  console.log(
    `LocalExecutor: cold start ${r.coldStartMs.toFixed(0)} ms, first job (DAG import) ${r.firstJobMs.toFixed(1)} ms, ` +
      `warm no-op round trip p50 ${r.p50.toFixed(3)} ms p95 ${r.p95.toFixed(3)} ms, ${r.tasksPerSecond.toFixed(0)} tasks/s`,
  );
}
