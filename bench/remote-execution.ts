// Scale-out on real servers (ADR 0019): the same 20 runs × 10 linear no-op tasks and the same hop latency, on
// PostgreSQL with the local executor (the baseline, measured in the same run), then with FLASHFLOW_EXECUTOR=bullmq
// and one in-process `flashflow worker` (2 runner processes × 16), so the difference is Redis and the queues.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTaskWorker } from '../lib/executors/bullmq/task-worker';
import { startPostgresServer } from '../tests/support/postgres-server';
import { startRedisServer } from '../tests/support/redis-server';
import { measureHops, measureThroughput, warmUp, withBenchRuntime, type ThroughputResult } from './scheduler-throughput';

const WORKFLOWS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workflows');
const RUNS = 20;

export interface EngineFigures {
  throughput: ThroughputResult;
  hops: { p50: number; p95: number };
}

export interface RemoteBench {
  runs: number;
  localOnPostgres: EngineFigures;
  bullmq: EngineFigures;
}

async function figures(env: Record<string, string>): Promise<EngineFigures> {
  return withBenchRuntime(async (rt) => {
    await warmUp(rt);
    const throughput = await measureThroughput(rt, RUNS);
    return { throughput, hops: await measureHops(rt, 5) };
  }, env);
}

export async function measureRemoteExecution(): Promise<RemoteBench> {
  const [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  try {
    const secret = { FLASHFLOW_SECRET_KEY: randomBytes(32).toString('base64') };
    const localOnPostgres = await figures({ DATABASE_URL: await postgres.createDatabase(), ...secret });
    const worker = await startTaskWorker({
      redisUrl: redis.url,
      dagsFolder: WORKFLOWS,
      apiUrl: 'http://127.0.0.1:9', // the benchmark's tasks make no service calls
      processes: 2,
      concurrency: 16,
      env: process.env,
      log: () => {},
    });
    try {
      const bullmq = await figures({ DATABASE_URL: await postgres.createDatabase(), REDIS_URL: redis.url, FLASHFLOW_EXECUTOR: 'bullmq', ...secret });
      return { runs: RUNS, localOnPostgres, bullmq };
    } finally {
      await worker.stop();
    }
  } finally {
    await Promise.all([postgres.stop(), redis.stop()]);
  }
}
