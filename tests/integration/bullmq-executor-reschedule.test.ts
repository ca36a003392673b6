// A sensor in reschedule mode on the BullMQ executor, on a real Redis: the reschedule outcome crosses the event queue
// as JSON and arrives with its Date, and the next poke, queued under its try's job id, is not lost while the job of
// the poke before is still active (its worker completes it only after sending its end).
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent, TaskJob } from '../../lib/engine/executor-port';
import { BullMqExecutor } from '../../lib/executors/bullmq/bullmq-executor';
import { EVENT_QUEUE, PREFIX, TASK_QUEUE, type EventBatch, type QueuedWork } from '../../lib/executors/bullmq/wire';
import type { RedisServer } from '../support/redis-server';
import { redisForFile } from '../support/shared-servers';

let redis: RedisServer;
beforeAll(async () => {
  redis = await redisForFile();
});
afterAll(() => redis?.stop());

const poke = (firstPokeAt: string | null): TaskJob => ({
  type: 'task', tiId: 'sensor', dagId: 'd', runId: 'r', taskId: 'wait', mapIndex: -1, tryNumber: 1, maxTries: 1, fileloc: 'd.ts',
  logicalDate: '2026-11-25T00:00:00.000Z', dataIntervalStart: '2026-11-25T00:00:00.000Z', dataIntervalEnd: '2026-11-25T00:00:00.000Z',
  conf: {}, item: null, upstream: {}, executionTimeoutMs: null, firstPokeAt,
});

describe('BullMqExecutor with a rescheduled sensor', () => {
  it('carries the reschedule to the scheduler and runs the next poke under the same job id', async () => {
    const connection = { url: redis.url, maxRetriesPerRequest: null };
    const rescheduleAt = new Date('2026-11-25T10:05:00Z');
    const events = new Queue<EventBatch>(EVENT_QUEUE, { connection, prefix: PREFIX });
    const pokes: Array<string | null> = [];
    // A worker like `flashflow worker`: it sends a poke's end, then completes the poke's job a moment later.
    const worker = new Worker<QueuedWork>(TASK_QUEUE, async (j) => {
      const job = j.data.job as TaskJob;
      pokes.push(job.firstPokeAt);
      const outcome = job.firstPokeAt === null ? { status: 'reschedule' as const, rescheduleAt } : { status: 'success' as const, xcom: 'seen' };
      const end: ExecutorEvent = { type: 'finished', tiId: job.tiId, tryNumber: job.tryNumber, outcome, at: new Date() };
      await events.add('events', { worker: 'w', events: [end] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      return end;
    }, { connection, prefix: PREFIX });

    const executor = new BullMqExecutor({ redisUrl: redis.url, parallelism: 2, dagsFolder: '/dags', issueToken: () => 'fft_x' });
    const finished: ExecutorEvent[] = [];
    let next: () => void = () => {};
    executor.onEvent((e) => {
      finished.push(e);
      next();
    });
    await executor.start();
    const nextEvent = () => new Promise<void>((resolve) => (next = resolve));
    try {
      await executor.adopt([]);
      let arrived = nextEvent();
      executor.submit(poke(null));
      await arrived;
      expect(finished).toEqual([expect.objectContaining({ type: 'finished', outcome: { status: 'reschedule', rescheduleAt } })]);

      // Due at once, as a short poke interval makes it: the first poke's job is still active.
      arrived = nextEvent();
      executor.submit(poke('2026-11-25T10:00:00.000Z'));
      await arrived;
      expect(finished[1]).toMatchObject({ type: 'finished', outcome: { status: 'success', xcom: 'seen' } });
      expect(pokes).toEqual([null, '2026-11-25T10:00:00.000Z']);
    } finally {
      await executor.stop();
      await worker.close();
      await events.close();
      const tasks = new Queue(TASK_QUEUE, { connection, prefix: PREFIX });
      await tasks.obliterate({ force: true });
      await tasks.close();
    }
  }, 20_000);
});
