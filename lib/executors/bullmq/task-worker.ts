// The body of `flashflow worker` (Airflow's Celery worker): takes tries and callbacks from the task queue, runs them
// in its own pool of runner processes (the LocalExecutor, so a crashing task costs only its runner), and sends their
// events back in batches. A try's BullMQ job completes only after its 'finished' event is in the event queue.
// It serves the task queues it is given (ADR 0028), one BullMQ worker per queue sharing one set of slots, and
// announces itself in Redis so the scheduler (and through it the UI) knows which queues some worker serves.
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { ExecutorEvent, ExecutorJob } from '../../engine/executor-port';
import { DEFAULT_QUEUE } from '../../engine/task-queue';
import { methodName } from '../../engine/service-contract';
import { serviceRegistry } from '../../sdk/service-registry';
import { abortableSleep } from '../../kernel/abortable-sleep';
import { Semaphore } from '../../kernel/semaphore';
import { LocalExecutor } from '../local/local-executor';
import { eventKey, jobKey, taskKey } from '../local/protocol';
import { withEnvPins } from './env-pinned-answers';
import { probeWebserver, remoteServiceHandler } from './remote-services';
import { EventOutbox } from './event-outbox';
import { announceWorker, PRESENCE_EVERY_MS, withdrawWorker } from './worker-presence';
import { bullQueueName, EVENT_QUEUE, KILL_CHANNEL, KillMessageSchema, PREFIX, type EventBatch, type QueuedWork } from './wire';

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
  /** The task queues this worker takes tries from (`--queues`; default 'default'); callbacks come on the default one. */
  queues?: string[];
  /** The environment task processes inherit. */
  env: Record<string, string | undefined>;
  /** FLASHFLOW_CONN_* and FLASHFLOW_VAR_*: what the tries' connections and variables are looked up in first (ADR 0034). */
  pinnedEnv?: Record<string, string | undefined>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Wire names of the services that only read: the webserver answers them without waiting for the recorded start. */
const READ_ONLY_METHODS = new Set(
  Object.entries(serviceRegistry).flatMap(([domain, contracts]) =>
    Object.entries(contracts).filter(([, c]) => c.readOnly).map(([name]) => methodName(domain, name))),
);

export interface TaskWorker {
  name: string;
  slots: number;
  /** Waits for the running tries (warm shutdown) unless `force`, then closes everything. */
  stop(force?: boolean): Promise<void>;
}

export async function startTaskWorker(options: TaskWorkerOptions): Promise<TaskWorker> {
  const name = `${os.hostname()}:${process.pid}`;
  const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
  const slots = options.processes * options.concurrency;
  const redisTrouble = new OutageReporter(`Redis at ${redactUrl(options.redisUrl)}`, options.log);
  const queues = [...new Set(options.queues ?? [DEFAULT_QUEUE])];
  const webTrouble = new OutageReporter(`the webserver at ${options.apiUrl} (FLASHFLOW_API_URL)`, options.log);
  // Checked in the background: tries that call no service (and callbacks) run meanwhile, and one that does fails
  // its call by its own retry policy; the operator reads why in one line.
  const probing = new AbortController();
  void untilReachable(() => probeWebserver(options.apiUrl), webTrouble, probing.signal);
  const tokens = new Map<string, string>();
  const events = new Queue<EventBatch>(EVENT_QUEUE, { connection, prefix: PREFIX });
  events.on('error', (err) => redisTrouble.failed(err));
  const outbox = new EventOutbox(events, name, (err) => options.log('error', `could not send events: ${err.message}`));
  const remote = withEnvPins(options.pinnedEnv ?? {}, remoteServiceHandler(options.apiUrl, (job) => tokens.get(taskKey(job.tiId, job.tryNumber))));
  const executor = new LocalExecutor({
    processes: options.processes,
    concurrency: options.concurrency,
    env: options.env,
    pluginFolders: options.pluginFolders,
    // Not awaited: the call goes meanwhile, and the webserver waits for the start to reach the database.
    serviceHandler: (job, method, payload) => {
      if (!READ_ONLY_METHODS.has(method)) void outbox.flush();
      return remote(job, method, payload);
    },
    logger: (message) => options.log('warn', message),
  });

  const finished = new Map<string, (event: ExecutorEvent) => void>();
  executor.onEvent((event) => {
    outbox.add(event);
    const key = eventKey(event);
    if (event.type === 'finished' || event.type === 'callback_finished') finished.get(key)?.(event);
  });
  await executor.start();

  // The job's return value is the try's end, kept with the completed job: a scheduler that takes over after the
  // event queue delivered it but before it reached the database reads it there (BullMqExecutor.adopt).
  // The slots are this worker's, whichever queue a try comes from: each queue's BullMQ worker may take up to all of
  // them, and a try taken while they are busy waits here for one (ADR 0028).
  const gate = new Semaphore(slots);
  const run = (job: Job<QueuedWork>): Promise<ExecutorEvent | null> => gate.run(() => runTry(job));
  const runTry = async (job: Job<QueuedWork>): Promise<ExecutorEvent | null> => {
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

  const workers = queues.map((queue) => {
    const worker = new Worker<QueuedWork, ExecutorEvent | null>(bullQueueName(queue), run, {
      connection,
      prefix: PREFIX,
      name,
      concurrency: slots,
      // A worker that dies leaves its jobs stalled: fail them rather than run them again under the same try number;
      // the scheduler sees the silence and retries the try under its task's policy.
      maxStalledCount: 0,
    });
    worker.on('error', (err) => redisTrouble.failed(err));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  subscriber.on('error', (err) => redisTrouble.failed(err));
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

  // The announcement doubles as the Redis health check: it is what says an outage is over.
  const presence = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  presence.on('error', (err) => redisTrouble.failed(err));
  const announce = () =>
    announceWorker(presence, { name, hostname: os.hostname(), queues, slots }, new Date())
      .then(() => redisTrouble.recovered())
      .catch((err: Error) => redisTrouble.failed(err));
  await announce();
  const presenceTimer = setInterval(() => void announce(), PRESENCE_EVERY_MS);
  presenceTimer.unref();

  return {
    name,
    slots,
    async stop(force = false) {
      probing.abort();
      clearInterval(presenceTimer);
      await withdrawWorker(presence, name).catch(() => {});
      presence.disconnect();
      // close() waits for the jobs in hand (their tries end normally) unless forced; kills still reach them meanwhile.
      await Promise.all(workers.map((w) => w.close(force)));
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
 * Says once that a dependency cannot be reached, not at each reconnection attempt (ioredis retries every 2 s at
 * most, forever), and once that it is back. One line each, without the stack or the URL's password.
 */
class OutageReporter {
  private down = false;

  constructor(
    private readonly what: string,
    private readonly log: TaskWorkerOptions['log'],
  ) {}

  failed(err: Error): void {
    if (this.down) return;
    this.down = true;
    this.log('error', `cannot reach ${this.what}: ${oneLine(err.message)}; retrying with backoff`);
  }

  recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.log('info', `${this.what} answers again`);
  }
}

/** Retries `check` with a growing wait (1 s doubling up to 30 s) until it passes or `signal` aborts. */
async function untilReachable(check: () => Promise<void>, reporter: OutageReporter, signal: AbortSignal): Promise<void> {
  const waitsMs = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      await check();
      reporter.recovered();
      return;
    } catch (err) {
      if (signal.aborted) return;
      reporter.failed(err as Error);
      // The worker stopping ends the wait (and then the loop) by aborting it.
      await abortableSleep(waitsMs[Math.min(attempt, waitsMs.length - 1)]!, signal).catch(() => {});
    }
  }
}

function oneLine(message: string): string {
  return redactUrl(message.split('\n')[0] ?? '');
}

/** A URL as a log may show it: any password in it replaced (redis://:secret@host → redis://:***@host). */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}
