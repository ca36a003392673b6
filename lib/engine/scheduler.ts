// The scheduler loop: the one owner of DAG-run and task-instance state. It applies executor events,
// promotes due retries, creates scheduled runs, plans every affected run and queues what may run.
// It is event driven (executor events and API actions call wake()), with a poll as the safety net.
import type { Clock } from '../kernel/clock';
import type { Executor } from './executor-port';
import type { RunStore } from './run-store-port';
import { buildTaskJobs } from './build-task-jobs';
import { DEFAULT_MAX_MAP_LENGTH } from './max-map-length';
import { createAssetTriggeredRuns, createDueRuns } from './create-runs';
import { runKeyOf, RunKeySet } from './run-key-set';
import { DagCatalog } from './dag-catalog';
import { TickHints } from './tick-hints';
import { ExecutorEventInbox } from './executor-event-inbox';
import { CallbackSubmitter } from './submit-callbacks';
import { ExecutorEventApplier, type InflightTry, type LostTry, type TryEndedEvent } from './apply-executor-events';
import { planAffectedRuns, type PlanAffectedRunsOptions } from './plan-affected-runs';
import { UnrecordedStarts } from './unrecorded-starts';

const RECORDED = Promise.resolve();

export interface SchedulerOptions {
  store: RunStore;
  executor: Executor;
  clock: Clock;
  /** Safety-net poll; ticks also happen on every event. */
  pollIntervalMs?: number;
  /** A running try whose heartbeat is older than this, and that no executor of ours owns, is a zombie. */
  zombieThresholdMs?: number;
  callbackTimeoutMs?: number;
  /** Create runs from DAG schedules (off for one-shot CLI commands such as `dags test`). */
  createScheduledRuns?: boolean;
  /** Id of this scheduler's row in the job table, for the health endpoint. */
  jobId?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  random?: () => number;
  /** Instances one mapped task may have (FLASHFLOW_MAX_MAP_LENGTH); a longer list fails the try that returned it. */
  maxMapLength?: number;
  /** Told after each tick that changed something; used by tests and the UI's live updates. */
  onTick?: (stats: TickStats) => void;
  /** Told of every try that ended (alerts, metrics); must not throw or block. */
  onTryEnded?: (event: TryEndedEvent) => void;
  /**
   * How long a start, log line or heartbeat may wait for a tick (real milliseconds, default 25). No decision
   * depends on them, so they gather into one batch instead of each paying for a tick of its own; an event
   * that frees a slot or ends a try ticks at once and takes them along.
   */
  quietEventDelayMs?: number;
}

export interface TickStats {
  events: number;
  queued: number;
  decisions: number;
  finishedRuns: number;
  durationMs: number;
}

export class Scheduler {
  private readonly store: RunStore;
  private readonly executor: Executor;
  private readonly clock: Clock;
  private readonly opts: Required<Omit<SchedulerOptions, 'store' | 'executor' | 'clock' | 'jobId' | 'onTick' | 'onTryEnded'>> &
    Pick<SchedulerOptions, 'jobId' | 'onTick' | 'onTryEnded'>;
  private readonly inflight = new Map<string, InflightTry>();
  private readonly catalog = new DagCatalog();
  private readonly hints = new TickHints();
  private readonly inbox: ExecutorEventInbox;
  private readonly starts = new UnrecordedStarts();
  private readonly callbacks: CallbackSubmitter;
  private readonly events: ExecutorEventApplier;
  private readonly planning: PlanAffectedRunsOptions;
  private dirty = false;
  private pollDue = true;
  private loop: Promise<void> | null = null;
  private stopped = true;
  /** Set by beginShutdown(): events are still applied, but nothing new is started. */
  private draining = false;
  private readonly pollAbort = new AbortController();
  private idleWaiters: Array<() => void> = [];
  /** Told when the tick they wait for ends: the first that begins after they asked (afterNextTick). */
  private nextTickWaiters: Array<() => void> = [];
  private lastHeartbeat: Date | null = null;

  constructor(options: SchedulerOptions) {
    this.store = options.store;
    this.executor = options.executor;
    this.clock = options.clock;
    this.opts = {
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      zombieThresholdMs: options.zombieThresholdMs ?? 120_000,
      callbackTimeoutMs: options.callbackTimeoutMs ?? 30_000,
      log: options.log ?? (() => {}),
      random: options.random ?? Math.random,
      maxMapLength: options.maxMapLength ?? DEFAULT_MAX_MAP_LENGTH,
      createScheduledRuns: options.createScheduledRuns ?? true,
      jobId: options.jobId,
      onTick: options.onTick,
      onTryEnded: options.onTryEnded,
      quietEventDelayMs: options.quietEventDelayMs ?? 25,
    };
    const { store, catalog, hints, inflight } = this;
    const { log, random, onTryEnded, maxMapLength } = this.opts;
    this.inbox = new ExecutorEventInbox({
      quietEventDelayMs: this.opts.quietEventDelayMs,
      requestTick: () => this.requestTick(),
      stopped: () => this.stopped,
    });
    this.callbacks = new CallbackSubmitter({
      store,
      executor: this.executor,
      callbackTimeoutMs: this.opts.callbackTimeoutMs,
      draining: () => this.draining,
    });
    this.events = new ExecutorEventApplier({ store, catalog, hints, inflight, callbacks: this.callbacks, random, log, onTryEnded, maxMapLength });
    this.planning = { store, catalog, hints, callbacks: this.callbacks, log };
  }

  /** Recovers what a previous process left queued or running, then starts ticking. */
  async start(): Promise<void> {
    this.executor.onEvent((event) => {
      this.starts.received(event);
      this.inbox.add(event);
    });
    await this.reloadDags();
    await this.recoverOrphans();
    this.stopped = false;
    void this.pollLoop();
    this.wake();
  }

  /** Stops creating runs and queueing tasks, while still applying the events of tries that end. */
  beginShutdown(): void {
    this.draining = true;
  }

  async stop(): Promise<void> {
    // The last starts and log lines still get written: this tick begins before `stopped` is set.
    this.inbox.flush();
    this.stopped = true;
    this.pollAbort.abort();
    await this.loop;
    for (const resolve of this.nextTickWaiters.splice(0)) resolve();
    this.starts.abandon('the scheduler stopped before the start of this try was recorded');
  }

  /**
   * Resolves once the start of this try is in the database. The runtime makes every service call wait for it,
   * so a try that changed anything is never requeued after a crash as if it had not run (unrecorded-starts.ts).
   */
  startRecorded(tiId: string, tryNumber: number): Promise<void> {
    return this.starts.whenRecorded(tiId, tryNumber, () => this.inbox.flush()) ?? RECORDED;
  }

  /**
   * Asks for a tick as soon as possible, for new or changed runs (API and CLI actions call it).
   * Ticks never overlap and coalesce.
   */
  wake(): void {
    this.hints.runsMayStart = true;
    this.hints.queueMayHaveWork = true;
    this.requestTick();
  }

  private requestTick(): void {
    this.dirty = true;
    if (this.loop || this.stopped) return;
    this.loop = this.drain().finally(() => {
      this.loop = null;
      if (this.dirty && !this.stopped) this.requestTick();
      else if (!this.inbox.quietEventsWaiting) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  /** Resolves when no tick is running or pending (tests and `dags test` use it). */
  idle(): Promise<void> {
    if (!this.loop && !this.dirty && !this.inbox.quietEventsWaiting) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Wakes the scheduler and resolves once the tick that begins after this call has ended (whether or not it changed
   * anything), or at stop(): another process that acted and woke it learns when the result is in the database.
   */
  afterNextTick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.nextTickWaiters.push(resolve);
      this.wake();
    });
  }

  /** Re-reads DAG definitions after the DAG processor synced them. */
  async reloadDags(): Promise<void> {
    this.catalog.replace(await this.store.listDags());
  }

  get latestHeartbeat(): Date | null {
    return this.lastHeartbeat;
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const waiting = this.nextTickWaiters.splice(0);
      try {
        await this.tick();
      } catch (err) {
        this.opts.log('error', `scheduler tick failed: ${(err as Error).stack ?? String(err)}`);
        await this.clock.sleep(Math.min(this.opts.pollIntervalMs, 1000));
      } finally {
        for (const resolve of waiting) resolve();
      }
    }
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopped) {
      const delay = await this.untilNextDue();
      await this.clock.sleep(delay, this.pollAbort.signal);
      if (this.stopped) return;
      this.pollDue = true;
      this.wake();
    }
  }

  private async untilNextDue(): Promise<number> {
    let due = this.opts.pollIntervalMs;
    const now = this.clock.now().getTime();
    const retryAt = await this.store.nextRetryAt().catch(() => null);
    if (retryAt) due = Math.min(due, Math.max(0, retryAt.getTime() - now));
    for (const dag of this.catalog.records()) {
      if (!dag.isPaused && dag.nextDagrunCreateAfter) due = Math.min(due, Math.max(0, dag.nextDagrunCreateAfter.getTime() - now));
    }
    return due;
  }

  private async tick(): Promise<void> {
    const started = performance.now();
    const now = this.clock.now();
    const poll = this.pollDue;
    this.pollDue = false;
    const hints = this.hints;
    const affected = new RunKeySet();
    if (poll) {
      hints.queueMayHaveWork = true;
      await this.reloadDags();
      await this.reapZombies(now);
      if (this.opts.jobId !== undefined) await this.store.heartbeatJob(this.opts.jobId, now);
      this.lastHeartbeat = now;
    }
    const events = this.inbox.take();
    try {
      await this.events.apply(events, now, affected);
    } catch (err) {
      // A lost 'finished' would leave its try running for ever: keep the batch for the next tick.
      this.inbox.putBack(events);
      throw err;
    }
    this.starts.settled(events);
    await letWaitingWorkIn();
    if (!this.draining) {
      if (poll || (hints.retryDueAt && hints.retryDueAt <= now)) {
        hints.retryDueAt = null;
        const promoted = await this.store.promoteDueRetries(now);
        if (promoted.length) hints.queueMayHaveWork = true;
        affected.addAll(promoted);
      }
      if (poll && this.opts.createScheduledRuns) await createDueRuns(this.store, this.catalog.records(), now);
      if ((poll || hints.assetsChanged) && this.opts.createScheduledRuns) {
        hints.assetsChanged = false;
        const created = await createAssetTriggeredRuns(this.store, (dagId) => this.catalog.dag(dagId), now);
        for (const c of created) this.opts.log('info', `asset update(s) ${c.uris.join(', ')} triggered a run of ${c.dagId}`);
        if (created.length) hints.runsMayStart = true;
      }
      if (poll || hints.runsMayStart) {
        hints.runsMayStart = false;
        affected.addAll(await this.store.startQueuedRuns(now));
      }
    }

    const runs = poll ? await this.store.listRunningRuns() : affected.list();
    const { decisions, finishedRuns } = await planAffectedRuns(this.planning, runs, now);
    if (decisions > 0) hints.queueMayHaveWork = true;
    await letWaitingWorkIn();
    const queued = this.draining || !hints.queueMayHaveWork ? 0 : await this.queue(now);

    const durationMs = performance.now() - started;
    if (events.length + queued + decisions + finishedRuns > 0) {
      this.opts.onTick?.({ events: events.length, queued, decisions, finishedRuns, durationMs });
    }
  }

  private async queue(now: Date): Promise<number> {
    const open = this.executor.openSlots();
    // A full executor is reported by the 'finished' event that frees a slot, which sets the flag again.
    this.hints.queueMayHaveWork = false;
    if (open <= 0) return 0;
    const queued = await this.store.queueScheduled(open, now);
    if (queued.length === 0) return 0;
    const jobs = await buildTaskJobs(this.store, queued, (dagId, taskId) => this.catalog.task(dagId, taskId), (dagId) => this.catalog.dag(dagId)?.fileloc);
    for (const job of jobs) {
      this.inflight.set(job.tiId, { run: runKeyOf(job), taskId: job.taskId, mapIndex: job.mapIndex, tryNumber: job.tryNumber });
      this.executor.submit(job);
    }
    return jobs.length;
  }

  private async recoverOrphans(): Promise<void> {
    const found = await this.store.findOrphans(null);
    const adopted = (await this.executor.adopt?.(found.map((o) => ({ tiId: o.id, tryNumber: o.tryNumber, queue: o.queue })))) ?? new Set<string>();
    for (const o of found.filter((f) => adopted.has(f.id))) {
      this.inflight.set(o.id, { run: runKeyOf(o), taskId: o.taskId, mapIndex: o.mapIndex, tryNumber: o.tryNumber });
    }
    if (adopted.size > 0) this.opts.log('info', `adopted ${adopted.size} task instance(s) still queued or running on the executor`);
    const orphans = found.filter((o) => !adopted.has(o.id));
    if (orphans.length === 0) return;
    const now = this.clock.now();
    const neverStarted = orphans.filter((o) => o.state === 'queued');
    if (neverStarted.length) await this.store.requeue(neverStarted.map((o) => ({ tiId: o.id, tryNumber: o.tryNumber })), now);
    const running = orphans.filter((o) => o.state === 'running');
    this.opts.log('warn', `recovered ${orphans.length} task instance(s) left by a stopped process (${neverStarted.length} requeued, ${running.length} failed as lost)`);
    await this.failLost(running, now);
  }

  private async reapZombies(now: Date): Promise<void> {
    const stale = await this.store.findOrphans(new Date(now.getTime() - this.opts.zombieThresholdMs));
    const zombies = stale.filter((z) => z.state === 'running' && !this.inflight.has(z.id));
    if (zombies.length === 0) return;
    this.opts.log('warn', `found ${zombies.length} zombie task instance(s) with no heartbeat for ${this.opts.zombieThresholdMs} ms`);
    await this.failLost(zombies, now);
  }

  private async failLost(tis: LostTry[], now: Date): Promise<void> {
    if (tis.length === 0) return;
    await this.events.failLost(tis, now);
    this.wake();
  }
}

/**
 * An embedded database answers within the same microtask chain, so without a pause a whole tick runs before
 * the process reads another message: a task's service call (its memo check, its attempt record) would wait
 * for every statement of the tick. A macrotask boundary lets those calls queue for the database in between.
 */
function letWaitingWorkIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export type { TryEndedEvent };
