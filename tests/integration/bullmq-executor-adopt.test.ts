// BullMqExecutor.adopt() on a real Redis: which tries a scheduler taking over may call its own, and the end of a
// try whose 'finished' event left the event queue with the old scheduler but never reached the database.
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent, TaskJob } from '../../lib/engine/executor-port';
import { BullMqExecutor } from '../../lib/executors/bullmq/bullmq-executor';
import { PREFIX, TASK_QUEUE, taskJobId, type QueuedWork } from '../../lib/executors/bullmq/wire';
import type { RedisServer } from '../support/redis-server';
import { redisForFile } from '../support/shared-servers';

let redis: RedisServer;
beforeAll(async () => {
  redis = await redisForFile();
});
afterAll(() => redis?.stop());

const job = (tiId: string): TaskJob => ({
  type: 'task', tiId, dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1, tryNumber: 1, maxTries: 1, fileloc: 'd.ts',
  logicalDate: '2026-11-25T00:00:00.000Z', dataIntervalStart: '2026-11-25T00:00:00.000Z', dataIntervalEnd: '2026-11-25T00:00:00.000Z',
  conf: {}, item: null, upstream: {}, executionTimeoutMs: null, firstPokeAt: null,
});

describe('BullMqExecutor.adopt', () => {
  it('adopts waiting and completed tries, replays a completed one\'s end, and leaves failed and unknown ones', async () => {
    const connection = { url: redis.url, maxRetriesPerRequest: null };
    const tasks = new Queue<QueuedWork>(TASK_QUEUE, { connection, prefix: PREFIX });
    const end: ExecutorEvent = { type: 'finished', tiId: 'done', tryNumber: 1, outcome: { status: 'success', xcom: 42 }, at: new Date('2026-11-25T10:00:00Z') };
    // The old scheduler's worker: completes 'done' with its end as the return value, fails 'crashed'.
    const worker = new Worker<QueuedWork>(TASK_QUEUE, async (j) => {
      if (j.data.job.type === 'task' && j.data.job.tiId === 'crashed') throw new Error('stalled');
      return end;
    }, { connection, prefix: PREFIX });
    for (const id of ['done', 'crashed']) await tasks.add('task', { job: job(id), token: null }, { jobId: taskJobId(id, 1), removeOnComplete: { age: 3600 } });
    await new Promise<void>((resolve) => {
      let settled = 0;
      const count = () => ++settled === 2 && resolve();
      worker.on('completed', count);
      worker.on('failed', count);
    });
    await worker.close();
    await tasks.add('task', { job: job('waiting'), token: null }, { jobId: taskJobId('waiting', 1) });

    const executor = new BullMqExecutor({ redisUrl: redis.url, parallelism: 8, dagsFolder: '/dags', issueToken: () => 'fft_x' });
    const seen: ExecutorEvent[] = [];
    executor.onEvent((e) => seen.push(e));
    await executor.start();
    try {
      const adopted = await executor.adopt(['done', 'crashed', 'waiting', 'never-queued'].map((tiId) => ({ tiId, tryNumber: 1 })));
      expect([...adopted].sort()).toEqual(['done', 'waiting']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([end]);
      // The waiting try holds a slot; the completed one's replayed end gave its slot back.
      expect(executor.openSlots()).toBe(7);
    } finally {
      await executor.stop();
      await tasks.obliterate({ force: true });
      await tasks.close();
    }
  });
});
