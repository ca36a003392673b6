// The scheduler's side of remote execution (Airflow's CeleryExecutor, on BullMQ and Redis): tries go to the task
// queue, any number of `flashflow worker` processes run them, and their events come back through the event queue,
// which this process alone consumes, in order. Every submitted job still ends in exactly one 'finished' event:
// from its worker, from kill() while it waits, or from here when its worker falls silent (lost).
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Executor, ExecutorEvent, ExecutorJob, TaskFailure, WorkerInfo } from '../../engine/executor-port';
import { DEFAULT_QUEUE } from '../../engine/task-queue';
import type { TryClaims } from '../../ops/auth/try-token';
import { eventKey, jobKey, taskKey } from '../local/protocol';
import { readWorkers } from './worker-presence';
import { bullQueueName, EVENT_QUEUE, EventBatchSchema, KEEP_COMPLETED_S, KILL_CHANNEL, PREFIX, queueJobId, queueOf, taskJobId, type KillMessage, type QueuedWork } from './wire';

export interface BullMqExecutorOptions {
  redisUrl: string;
  /** Tries queued or running at once. */
  parallelism: number;
  /** Job files are sent relative to it, so a worker finds them in its own copy of the folder. */
  dagsFolder: string;
  /** Mints the token a try's service calls authenticate with. */
  issueToken: (claims: TryClaims) => string;
  /** A started try whose worker sent nothing (heartbeats come every 5 s) for this long is lost. Default 60 s. */
  lostAfterMs?: number;
  log?: (message: string) => void;
}

interface InFlight {
  job: ExecutorJob;
  /** Last event of the try, once it started; null while it waits in the queue. */
  lastHeardAt: number | null;
  /** When it was queued (or adopted): a try never heard of is looked up in the queue after the lost threshold. */
  since: number;
}

const LOST_CHECK_MS = 5_000;
/** How long a new job waits for the job kept under its id to stop being active (see removeKept). */
const KEPT_ACTIVE_WAIT_MS = 10_000;

export class BullMqExecutor implements Executor {
  private readonly inflight = new Map<string, InFlight>();
  private readonly listeners: Array<(event: ExecutorEvent) => void> = [];
  private readonly lostAfterMs: number;
  private readonly log: (message: string) => void;
  /** One BullMQ queue per Flashflow task queue in use (ADR 0028), opened on first use. */
  private readonly tasks = new Map<string, Queue<QueuedWork>>();
  /** Queues whose waiting tries no live worker serves, already warned about (once until a worker serves them). */
  private readonly unservedWarned = new Set<string>();
  private events: Worker | null = null;
  private publisher: Redis | null = null;
  private lostTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: BullMqExecutorOptions) {
    this.lostAfterMs = options.lostAfterMs ?? 60_000;
    this.log = options.log ?? (() => {});
  }

  openSlots(): number {
    return this.stopping ? 0 : Math.max(0, this.options.parallelism - this.inflight.size);
  }

  onEvent(listener: (event: ExecutorEvent) => void): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    const connection = { url: this.options.redisUrl, maxRetriesPerRequest: null };
    this.publisher = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    this.publisher.on('error', (err) => this.log(`redis: ${err.message}`));
    this.events = new Worker(EVENT_QUEUE, async (job) => this.receive(job.data), {
      connection,
      prefix: PREFIX,
      concurrency: 1,
      // Events of tries a previous scheduler left may be waiting: read them once adopt() has said which are ours.
      autorun: false,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    });
    this.events.on('error', (err) => this.log(`event queue: ${err.message}`));
    await Promise.all([this.queue(DEFAULT_QUEUE).waitUntilReady(), this.events.waitUntilReady()]);
    this.lostTimer = setInterval(() => this.reapLost(), Math.min(LOST_CHECK_MS, this.lostAfterMs / 2));
    this.lostTimer.unref();
  }

  /**
   * A try is still ours to see through while its queue job exists and has not failed: waiting, running on a
   * worker, or completed (its end is the job's return value, replayed below). A failed job (its worker died) is not.
   */
  async adopt(tries: ReadonlyArray<{ tiId: string; tryNumber: number; queue?: string }>): Promise<Set<string>> {
    const adopted = new Set<string>();
    try {
      for (const t of tries) {
        const job = await this.queue(t.queue ?? DEFAULT_QUEUE).getJob(taskJobId(t.tiId, t.tryNumber));
        const state = job ? await job.getState() : 'unknown';
        if (!job || state === 'failed' || state === 'unknown') continue;
        const waiting = state === 'waiting' || state === 'delayed' || state === 'prioritized';
        this.inflight.set(taskKey(t.tiId, t.tryNumber), { job: job.data.job, lastHeardAt: waiting ? null : Date.now(), since: Date.now() });
        adopted.add(t.tiId);
        // Its end may have left the event queue without reaching the database (the old scheduler died in between):
        // the completed job still has it. Delivered after the scheduler recorded the adoption; a second copy from
        // the event queue finds the try no longer in flight and is dropped.
        if (state === 'completed' && job.returnvalue) {
          const end = EventBatchSchema.shape.events.element.safeParse(job.returnvalue);
          if (end.success) setImmediate(() => void this.receive({ worker: 'adopted', events: [end.data] }));
        }
      }
    } finally {
      void this.events!.run().catch((err: Error) => this.log(`event queue: ${err.message}`));
    }
    return adopted;
  }

  submit(job: ExecutorJob): void {
    if (this.stopping || !this.events) throw new Error('BullMqExecutor is not running');
    const key = jobKey(job);
    if (this.inflight.has(key)) throw new Error(`BullMqExecutor: ${key} is already submitted`);
    this.inflight.set(key, { job, lastHeardAt: null, since: Date.now() });
    this.enqueue(key, job);
  }

  /** Puts the try's job on its queue; a job that cannot be queued ends the try as a retriable failure. */
  private enqueue(key: string, job: ExecutorJob): void {
    const relative = path.relative(this.options.dagsFolder, job.fileloc);
    const fileloc = relative.startsWith('..') || path.isAbsolute(relative) ? job.fileloc : relative;
    const token = job.type === 'task'
      ? this.options.issueToken({ tiId: job.tiId, tryNumber: job.tryNumber, dagId: job.dagId, runId: job.runId, taskId: job.taskId, mapIndex: job.mapIndex })
      : null;
    const tasks = this.queue(queueOf(job));
    const jobId = queueJobId(job);
    // A failed job kept under the same id (a try requeued after its worker died) would make add() a no-op.
    removeKept(tasks, jobId)
      .then(() => tasks.add(job.type, { job: { ...job, fileloc }, token }, { jobId, removeOnComplete: { age: KEEP_COMPLETED_S }, removeOnFail: { count: 1000 } }))
      .catch((err: Error) => this.finishHere(key, { name: 'QueueError', message: `could not queue the try in Redis: ${err.message}`, retriable: true }));
  }

  kill(tiId: string, reason: string): void {
    const entry = [...this.inflight.entries()].find(([, f]) => f.job.type === 'task' && f.job.tiId === tiId);
    if (!entry || this.stopping) return;
    const [key, { job }] = entry;
    void this.queue(queueOf(job))
      .remove(queueJobId(job))
      .then(async (removed) => {
        // Still waiting: no worker has it, so nothing else will report its end.
        if (removed === 1) this.finishHere(key, { name: 'KilledError', message: `Task was killed: ${reason}`, retriable: false });
        else await this.publisher?.publish(KILL_CHANNEL, JSON.stringify({ tiId, reason } satisfies KillMessage));
      })
      .catch((err: Error) => this.log(`could not kill ${tiId}: ${err.message}`));
  }

  async stop(): Promise<void> {
    // Tries already on workers keep running there; the scheduler that starts next adopts them (adopt()).
    this.stopping = true;
    clearInterval(this.lostTimer);
    await this.events?.close();
    await Promise.all([...this.tasks.values()].map((q) => q.close()));
    await this.publisher?.quit().catch(() => this.publisher?.disconnect());
  }

  /**
   * The workers announced in Redis now. Also warns, once per queue, when tries wait on a queue that none of them
   * serves: they would otherwise sit queued without a word.
   */
  async workers(): Promise<WorkerInfo[]> {
    if (!this.publisher) return [];
    const workers = await readWorkers(this.publisher);
    const served = new Set(workers.flatMap((w) => w.queues ?? []));
    const waiting = new Set([...this.inflight.values()].filter((f) => f.lastHeardAt === null).map((f) => queueOf(f.job)));
    for (const queue of waiting) {
      if (served.has(queue) || this.unservedWarned.has(queue)) continue;
      this.unservedWarned.add(queue);
      this.log(`tries wait on queue '${queue}', which no running worker serves: start one with \`flashflow worker --queues ${queue}\``);
    }
    for (const queue of served) this.unservedWarned.delete(queue);
    return workers;
  }

  private queue(name: string): Queue<QueuedWork> {
    let queue = this.tasks.get(name);
    if (!queue) {
      queue = new Queue<QueuedWork>(bullQueueName(name), { connection: { url: this.options.redisUrl, maxRetriesPerRequest: null }, prefix: PREFIX });
      queue.on('error', (err) => this.log(`task queue '${name}': ${err.message}`));
      this.tasks.set(name, queue);
    }
    return queue;
  }

  private async receive(data: unknown): Promise<void> {
    const parsed = EventBatchSchema.safeParse(data);
    if (!parsed.success) {
      this.log(`ignored a malformed event batch: ${parsed.error.message}`);
      return;
    }
    for (const event of parsed.data.events as ExecutorEvent[]) {
      const key = eventKey(event);
      const inflight = this.inflight.get(key);
      if (!inflight) continue; // a try this scheduler does not own (ended, or lost and retried)
      inflight.lastHeardAt = Date.now();
      if (event.type === 'finished' || event.type === 'callback_finished') this.inflight.delete(key);
      this.emit(event);
    }
  }

  private reapLost(): void {
    const now = Date.now();
    for (const [key, f] of this.inflight) {
      if (f.lastHeardAt === null) {
        if (now - f.since >= this.lostAfterMs) void this.checkUnheard(key, f);
        continue;
      }
      if (now - f.lastHeardAt < this.lostAfterMs) continue;
      // Silent is not always dead (a partition): stop it, so it does not run on beside its retry.
      if (f.job.type === 'task') void this.publisher?.publish(KILL_CHANNEL, JSON.stringify({ tiId: f.job.tiId, reason: 'its scheduler declared it lost' } satisfies KillMessage)).catch(() => {});
      this.finishHere(key, {
        name: 'WorkerLostError',
        message: `the worker running this try sent nothing for ${Math.round((now - f.lastHeardAt) / 1000)} s (crash, kill or lost network)`,
        retriable: true,
      });
    }
  }

  /**
   * A try not heard of since it was queued is normally still waiting for a free worker. But a worker that died
   * before its first batch left leaves a stalled job that fails (maxStalledCount 0) without a word: end it here.
   * A job that is gone altogether was lost by Redis (a restart without persistence, a flush), not by a worker:
   * no worker ran it, or its heartbeats would have been heard by now, so it is queued again under the same try.
   */
  private async checkUnheard(key: string, f: InFlight): Promise<void> {
    const state = this.stopping ? null : await this.queue(queueOf(f.job)).getJobState(queueJobId(f.job)).catch(() => null);
    if (this.inflight.get(key) !== f || f.lastHeardAt !== null || this.stopping) return;
    if (state === 'failed') {
      this.finishHere(key, { name: 'WorkerLostError', message: 'the worker that took this try stopped before it reported anything', retriable: true });
    } else if (state === 'unknown') {
      this.log(`${key}: its queue job is gone from Redis (restarted or flushed?); queued again`);
      f.since = Date.now();
      this.enqueue(key, f.job);
    }
  }

  /** Ends a job that no worker will report on. */
  private finishHere(key: string, failure: TaskFailure): void {
    const f = this.inflight.get(key);
    if (!f) return;
    this.inflight.delete(key);
    const at = new Date();
    this.emit(
      f.job.type === 'task'
        ? { type: 'finished', tiId: f.job.tiId, tryNumber: f.job.tryNumber, outcome: { status: 'failed', error: failure }, at }
        : { type: 'callback_finished', id: f.job.id, ok: false, error: failure.message, at },
    );
  }

  private emit(event: ExecutorEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * Removes the job kept under `jobId`. The next poke of a rescheduled sensor reuses its try's id (ADR 0022), and the
 * job of the poke before may still be active for a moment: its worker completes it just after sending its end.
 * BullMQ does not remove an active job, and add() would then keep it instead of queueing the new one.
 */
async function removeKept(tasks: Queue<QueuedWork>, jobId: string): Promise<void> {
  // Usually nothing is kept under the id (a try's first queueing): one round trip says so.
  if ((await tasks.getJobState(jobId)) === 'unknown') return;
  for (const deadline = Date.now() + KEPT_ACTIVE_WAIT_MS; ; ) {
    if ((await tasks.remove(jobId).catch(() => 0)) === 1) return;
    if ((await tasks.getJobState(jobId)) !== 'active') return;
    if (Date.now() > deadline) throw new Error(`the job ${jobId} of its previous poke is still active`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
