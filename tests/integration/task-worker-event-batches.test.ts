// A `flashflow worker` sends a short try's start, log and end to the scheduler as one event-queue job: each job
// costs a dozen Redis commands and a pass of the scheduler's loop, so a job per event was most of the engine's
// Redis traffic under load (bench/scale-cpu.ts). On a real Redis, with the worker's real runner process.
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent, TaskJob } from '../../lib/engine/executor-port';
import { startTaskWorker, type TaskWorker } from '../../lib/executors/bullmq/task-worker';
import { bullQueueName, EVENT_QUEUE, PREFIX, taskJobId, type EventBatch, type QueuedWork } from '../../lib/executors/bullmq/wire';
import { fixturePath } from '../support/cli-harness';
import type { RedisServer } from '../support/redis-server';
import { redisForFile } from '../support/shared-servers';

let redis: RedisServer;
let worker: TaskWorker | undefined;
beforeAll(async () => {
  redis = await redisForFile();
});
afterAll(async () => {
  await worker?.stop(true);
  await redis?.stop();
});

const tryOf = (tiId: string): TaskJob => ({
  type: 'task', tiId, dagId: 'short_try', runId: 'r', taskId: 'work', mapIndex: -1, tryNumber: 1, maxTries: 1, fileloc: 'short_try.ts',
  logicalDate: '2026-11-25T00:00:00.000Z', dataIntervalStart: '2026-11-25T00:00:00.000Z', dataIntervalEnd: '2026-11-25T00:00:00.000Z',
  conf: {}, item: null, upstream: {}, executionTimeoutMs: null, firstPokeAt: null,
});

describe('flashflow worker event batches', () => {
  it("sends a short try's start, log and end in one event job", async () => {
    const connection = { url: redis.url, maxRetriesPerRequest: null };
    worker = await startTaskWorker({
      redisUrl: redis.url, dagsFolder: fixturePath('dags-event-batches'), apiUrl: 'http://127.0.0.1:9', processes: 1, concurrency: 1,
      env: process.env, log: () => {},
    });
    const batches: ExecutorEvent[][] = [];
    const ended = new Map<string, () => void>();
    const events = new Worker<EventBatch>(EVENT_QUEUE, async (job) => {
      batches.push(job.data.events);
      for (const e of job.data.events) if (e.type === 'finished') ended.get(e.tiId)?.();
    }, { connection, prefix: PREFIX });
    const tasks = new Queue<QueuedWork>(bullQueueName('default'), { connection, prefix: PREFIX });
    const run = async (tiId: string) => {
      const done = new Promise<void>((resolve) => ended.set(tiId, resolve));
      await tasks.add('task', { job: tryOf(tiId), token: null }, { jobId: taskJobId(tiId, 1) });
      await done;
      return batches.filter((b) => b.some((e) => 'tiId' in e && e.tiId === tiId)).map((b) => b.map((e) => e.type));
    };
    try {
      // The runner's first try imports the DAG file, which may take longer than a batch waits.
      await run('warm-up');
      expect(await run('short')).toEqual([['started', 'log', 'finished']]);
    } finally {
      await events.close();
      await tasks.close();
    }
  }, 60_000);
});
