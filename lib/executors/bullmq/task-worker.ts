// The body of `flashflow worker` (Airflow's Celery worker): takes tries and callbacks from the task queue, runs them
// in its own pool of runner processes (the LocalExecutor, so a crashing task costs only its runner), and sends their
// events back in batches. A try's BullMQ job completes only after its 'finished' event is in the event queue.
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { ExecutorEvent, ExecutorJob } from '../../engine/executor-port';
import { LocalExecutor } from '../local/local-executor';
import { eventKey, jobKey, taskKey } from '../local/protocol';
import { remoteServiceHandler } from './remote-services';
import { EVENT_QUEUE, KILL_CHANNEL, KillMessageSchema, PREFIX, TASK_QUEUE, type EventBatch, type QueuedWork } from './wire';

export interface TaskWorkerOptions {
  redisUrl: string;
  /** This worker's copy of the DAGs folder; queued jobs name their file relative to it. */
  dagsFolder: string;
  /** This worker's plugin folders: a try of a plugin's operator runs the plugin this machine has. */
  pluginFolders?: string[];
  /** The webserver answering the tasks' service calls. */
  apiUrl: string;
  processes: number;
  concurrency: number;
  /** The environment task processes inherit. */
  env: Record<string, string | undefined>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Events wait at most this long to share a queue job; a finished try flushes at once. */
const BATCH_MS = 20;
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5_000;

export interface TaskWorker {
  name: string;
  /** Waits for the running tries (warm shutdown) unless `force`, then closes everything. */
  stop(force?: boolean): Promise<void>;
}

export async function startTaskWorker(options: TaskWorkerOptions): Promise<TaskWorker> {
  const name = `${os.hostname()}:${process.pid}`;
  const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
  const tokens = new Map<string, string>();
  const executor = new LocalExecutor({
    processes: options.processes,
    concurrency: options.concurrency,
    env: options.env,
    pluginFolders: options.pluginFolders,
    serviceHandler: remoteServiceHandler(options.apiUrl, (job) => tokens.get(taskKey(job.tiId, job.tryNumber))),
    logger: (message) => options.log('warn', message),
  });
  const events = new Queue<EventBatch>(EVENT_QUEUE, { connection, prefix: PREFIX });
  events.on('error', (err) => options.log('warn', `event queue: ${err.message}`));
  const outbox = new EventOutbox(events, name, (err) => options.log('error', `could not send events: ${err.message}`));

  const finished = new Map<string, (event: ExecutorEvent) => void>();
  executor.onEvent((event) => {
    outbox.add(event);
    const key = eventKey(event);
    if (event.type === 'finished' || event.type === 'callback_finished') finished.get(key)?.(event);
  });
  await executor.start();

  // The job's return value is the try's end, kept with the completed job: a scheduler that takes over after the
  // event queue delivered it but before it reached the database reads it there (BullMqExecutor.adopt).
  const run = async (job: Job<QueuedWork>): Promise<ExecutorEvent | null> => {
    // A runner still busy with a try that ignored its abort leaves fewer local slots than BullMQ's concurrency.
    while (executor.openSlots() <= 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const work = job.data.job;
    const local: ExecutorJob = { ...work, fileloc: path.resolve(options.dagsFolder, work.fileloc) };
    const key = jobKey(local);
    if (local.type === 'task' && job.data.token) tokens.set(key, job.data.token);
    let end: ExecutorEvent | null = null;
    try {
      await new Promise<void>((resolve) => {
        finished.set(key, (event) => {
          end = event;
          resolve();
        });
        try {
          executor.submit(local);
        } catch (err) {
          // Its end must still be reported, or the scheduler would wait for this try forever.
          const error = { name: 'WorkerError', message: `worker ${name} could not run it: ${(err as Error).message}`, retriable: true };
          end = local.type === 'task'
            ? { type: 'finished', tiId: local.tiId, tryNumber: local.tryNumber, outcome: { status: 'failed', error }, at: new Date() }
            : { type: 'callback_finished', id: local.id, ok: false, error: error.message, at: new Date() };
          outbox.add(end);
          resolve();
        }
      });
      await outbox.flush();
      return end;
    } finally {
      finished.delete(key);
      tokens.delete(key);
    }
  };

  const worker = new Worker<QueuedWork, ExecutorEvent | null>(TASK_QUEUE, run, {
    connection,
    prefix: PREFIX,
    name,
    concurrency: options.processes * options.concurrency,
    // A worker that dies leaves its jobs stalled: fail them rather than run them again under the same try number;
    // the scheduler sees the silence and retries the try under its task's policy.
    maxStalledCount: 0,
  });
  worker.on('error', (err) => options.log('warn', `task queue: ${err.message}`));
  await worker.waitUntilReady();

  const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  subscriber.on('error', (err) => options.log('warn', `redis: ${err.message}`));
  await subscriber.subscribe(KILL_CHANNEL);
  subscriber.on('message', (_channel, message) => {
    let parsed;
    try {
      parsed = KillMessageSchema.safeParse(JSON.parse(message));
    } catch {
      return;
    }
    if (parsed.success) executor.kill(parsed.data.tiId, parsed.data.reason);
  });

  return {
    name,
    async stop(force = false) {
      // close() waits for the jobs in hand (their tries end normally) unless forced; kills still reach them meanwhile.
      await worker.close(force);
      await subscriber.quit().catch(() => subscriber.disconnect());
      await executor.stop();
      // What the stopped tries reported still goes, unless Redis is gone for good.
      const flushed = outbox.flush();
      const giveUp = setTimeout(() => outbox.close(), 5_000);
      await flushed;
      clearTimeout(giveUp);
      await events.close();
    },
  };
}

/**
 * Gathers events into one queue job per BATCH_MS, in order: one sender at a time. A batch Redis refuses (restart,
 * network) is sent again until it goes, so a 'finished' event is not lost to an outage: a try whose end went
 * missing would be failed as lost by the scheduler and run again.
 */
class EventOutbox {
  private pending: ExecutorEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly queue: Queue<EventBatch>,
    private readonly worker: string,
    private readonly onError: (err: Error) => void,
  ) {}

  add(event: ExecutorEvent): void {
    this.pending.push(event);
    this.timer ??= setTimeout(() => void this.flush(), BATCH_MS);
  }

  /** Resolves once everything added so far is in the queue (or the outbox was closed). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length > 0) this.sending = this.sending.then(() => this.send(batch));
    return this.sending;
  }

  /** Stops retrying: what is still unsent is given up (the scheduler sees those tries fall silent). */
  close(): void {
    this.closed = true;
  }

  private async send(batch: ExecutorEvent[]): Promise<void> {
    for (let wait = RETRY_FIRST_MS; !this.closed; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      try {
        await this.queue.add('events', { worker: this.worker, events: batch }, { removeOnComplete: true, removeOnFail: { count: 1000 } });
        return;
      } catch (err) {
        this.onError(new Error(`${(err as Error).message}; sending again in ${wait} ms`));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
