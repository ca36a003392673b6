// The scheduler loop: the one owner of DAG-run and task-instance state. It applies executor events,
// promotes due retries, creates scheduled runs, plans every affected run and queues what may run.
// It is event driven (executor events and API actions call wake()), with a poll as the safety net.
import type { SerializedDag, SerializedTask } from './dag-model';
import type { Clock } from './clock';
import type { ExecutorEvent, Executor, TaskOutcome } from './executor-port';
import { planRun, type TiDecision } from './plan-run';
import { planSteering } from './plan-steering';
import { planTryEnd } from './plan-try-end';
import { finishNeedsPlanning } from './finish-needs-planning';
import type {
  AssetEvent,
  CallbackRequest,
  DagRecord,
  FinishedTi,
  LogLine,
  RunKey,
  RunStore,
  TryFinish,
  TryStart,
} from './run-store-port';
import { buildTaskJobs } from './build-task-jobs';
import { createAssetTriggeredRuns, createDueRuns } from './create-runs';
import { runKeyString, RunKeySet } from './run-key-set';

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

export interface TryEndedEvent {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  state: 'success' | 'skipped' | 'up_for_retry' | 'failed';
  error: string | null;
  task: SerializedTask | undefined;
  at: Date;
}

export interface TickStats {
  events: number;
  queued: number;
  decisions: number;
  finishedRuns: number;
  durationMs: number;
}

interface InflightTry {
  run: RunKey;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
}

const WORKER_LOST: TaskOutcome = {
  status: 'failed',
  error: { name: 'WorkerLostError', message: 'the process running this try stopped (crash or restart)', retriable: true },
};

export class Scheduler {
  private readonly store: RunStore;
  private readonly executor: Executor;
  private readonly clock: Clock;
  private readonly opts: Required<Omit<SchedulerOptions, 'store' | 'executor' | 'clock' | 'jobId' | 'onTick' | 'onTryEnded'>> &
    Pick<SchedulerOptions, 'jobId' | 'onTick' | 'onTryEnded'>;
  private readonly pending: ExecutorEvent[] = [];
  private readonly inflight = new Map<string, InflightTry>();
  private readonly callbacks = new Map<string, true>();
  private dags = new Map<string, DagRecord>();
  private taskIndex = new Map<string, Map<string, SerializedTask>>();
  private dirty = false;
  private pollDue = true;
  private loop: Promise<void> | null = null;
  private stopped = true;
  /** Set by beginShutdown(): events are still applied, but nothing new is started. */
  private draining = false;
  private readonly pollAbort = new AbortController();
  private idleWaiters: Array<() => void> = [];
  private lastHeartbeat: Date | null = null;
  /** Queued runs may be startable (a run ended, one was created, or an action asked); saves a query per tick. */
  private runsMayStart = true;
  /** An asset was updated, so an asset-scheduled DAG may be ready to run. */
  private assetsChanged = true;
  /** Earliest next_retry_at this scheduler knows of; retries are promoted only once it has passed. */
  private retryDueAt: Date | null = null;
  /**
   * Something may be queueable: a slot freed, a task became scheduled, or someone asked. A tick that only
   * records starts, logs and heartbeats leaves it false and skips the candidate query, which costs more
   * than those writes and would otherwise run on every one of them.
   */
  private queueMayHaveWork = true;
  /** Set while quiet events wait for their batch's tick. */
  private quietTimer: ReturnType<typeof setTimeout> | null = null;

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
      createScheduledRuns: options.createScheduledRuns ?? true,
      jobId: options.jobId,
      onTick: options.onTick,
      onTryEnded: options.onTryEnded,
      quietEventDelayMs: options.quietEventDelayMs ?? 25,
    };
  }

  /** Recovers what a previous process left queued or running, then starts ticking. */
  async start(): Promise<void> {
    this.executor.onEvent((event) => {
      this.pending.push(event);
      if (event.type === 'finished' || event.type === 'callback_finished') this.requestTick();
      else this.requestQuietTick();
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
    if (this.quietTimer) {
      // The last starts and log lines still get written: this tick begins before `stopped` is set.
      this.clearQuietTimer();
      this.requestTick();
    }
    this.stopped = true;
    this.pollAbort.abort();
    await this.loop;
  }

  /**
   * Asks for a tick as soon as possible, for new or changed runs (API and CLI actions call it).
   * Ticks never overlap and coalesce.
   */
  wake(): void {
    this.runsMayStart = true;
    this.queueMayHaveWork = true;
    this.requestTick();
  }

  private requestTick(): void {
    this.dirty = true;
    if (this.loop || this.stopped) return;
    this.loop = this.drain().finally(() => {
      this.loop = null;
      if (this.dirty && !this.stopped) this.requestTick();
      else if (!this.quietTimer) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  private requestQuietTick(): void {
    if (this.quietTimer || this.stopped) return;
    if (this.opts.quietEventDelayMs <= 0) return this.requestTick();
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.requestTick();
    }, this.opts.quietEventDelayMs);
  }

  private clearQuietTimer(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }

  /** Resolves when no tick is running or pending (tests and `dags test` use it). */
  idle(): Promise<void> {
    if (!this.loop && !this.dirty && !this.quietTimer) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Re-reads DAG definitions after the DAG processor synced them. */
  async reloadDags(): Promise<void> {
    const list = await this.store.listDags();
    this.dags = new Map(list.map((d) => [d.dagId, d]));
    this.taskIndex = new Map(list.map((d) => [d.dagId, new Map(d.serialized.tasks.map((t) => [t.task_id, t]))]));
  }

  get latestHeartbeat(): Date | null {
    return this.lastHeartbeat;
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      try {
        await this.tick();
      } catch (err) {
        this.opts.log('error', `scheduler tick failed: ${(err as Error).stack ?? String(err)}`);
        await this.clock.sleep(Math.min(this.opts.pollIntervalMs, 1000));
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
    for (const dag of this.dags.values()) {
      if (!dag.isPaused && dag.nextDagrunCreateAfter) due = Math.min(due, Math.max(0, dag.nextDagrunCreateAfter.getTime() - now));
    }
    return due;
  }

  private async tick(): Promise<void> {
    const started = performance.now();
    const now = this.clock.now();
    const poll = this.pollDue;
    this.pollDue = false;
    const affected = new RunKeySet();
    const events = this.pending.splice(0);
    this.clearQuietTimer(); // its events are in this batch

    if (poll) {
      this.queueMayHaveWork = true;
      await this.reloadDags();
      await this.reapZombies(now);
      if (this.opts.jobId !== undefined) await this.store.heartbeatJob(this.opts.jobId, now);
      this.lastHeartbeat = now;
    }
    await this.applyEvents(events, now, affected);
    await letWaitingWorkIn();
    if (!this.draining) {
      if (poll || (this.retryDueAt && this.retryDueAt <= now)) {
        this.retryDueAt = null;
        const promoted = await this.store.promoteDueRetries(now);
        if (promoted.length) this.queueMayHaveWork = true;
        affected.addAll(promoted);
      }
      if (poll && this.opts.createScheduledRuns) await createDueRuns(this.store, this.dags.values(), now);
      if ((poll || this.assetsChanged) && this.opts.createScheduledRuns) {
        this.assetsChanged = false;
        const created = await createAssetTriggeredRuns(this.store, (dagId) => this.dags.get(dagId)?.serialized, now);
        for (const c of created) this.opts.log('info', `asset update(s) ${c.uris.join(', ')} triggered a run of ${c.dagId}`);
        if (created.length) this.runsMayStart = true;
      }
      if (poll || this.runsMayStart) {
        this.runsMayStart = false;
        affected.addAll(await this.store.startQueuedRuns(now));
      }
    }

    const runs = poll ? await this.store.listRunningRuns() : affected.list();
    const { decisions, finishedRuns } = await this.planRuns(runs, now);
    if (decisions > 0) this.queueMayHaveWork = true;
    await letWaitingWorkIn();
    const queued = this.draining || !this.queueMayHaveWork ? 0 : await this.queue(now);

    const durationMs = performance.now() - started;
    if (events.length + queued + decisions + finishedRuns > 0) {
      this.opts.onTick?.({ events: events.length, queued, decisions, finishedRuns, durationMs });
    }
  }

  private async applyEvents(events: ExecutorEvent[], now: Date, affected: RunKeySet): Promise<void> {
    if (events.length === 0) return;
    const starts: TryStart[] = [];
    const beats: Array<{ tiId: string; tryNumber: number }> = [];
    const logs: LogLine[] = [];
    const finishes: TryFinish[] = [];
    for (const e of events) {
      if (e.type === 'started') starts.push(e);
      else if (e.type === 'heartbeat') beats.push(e);
      else if (e.type === 'log') logs.push(e);
      else if (e.type === 'finished') {
        this.queueMayHaveWork = true; // its executor and pool slots are free again
        const finish = this.finishFor(e.tiId, e.tryNumber, e.outcome, e.at);
        if (finish) finishes.push(finish);
      } else if (e.type === 'callback_finished') {
        this.queueMayHaveWork = true;
        this.callbacks.delete(e.id);
        if (!e.ok) this.opts.log('warn', `callback ${e.id} failed: ${e.error}`);
        await this.store.finishCallback(e.id, e.ok, e.error, e.at);
      }
    }
    // A fast try often starts and ends within one tick: its start then travels with its end.
    const ending = new Map(finishes.map((f) => [f.tiId, f]));
    const startsAlone = starts.filter((st) => {
      const end = ending.get(st.tiId);
      if (end && end.tryNumber === st.tryNumber) {
        end.start = { at: st.at, pid: st.pid, hostname: st.hostname };
        return false;
      }
      return true;
    });
    if (startsAlone.length) await this.store.markStarted(startsAlone);
    if (beats.length) await this.store.heartbeat(beats, now);
    if (logs.length) await this.store.appendLogs(logs);
    if (finishes.length) await this.applyFinishes(finishes, now, affected);
  }

  private finishFor(tiId: string, tryNumber: number, outcome: TaskOutcome, at: Date): TryFinish | null {
    const owner = this.inflight.get(tiId);
    if (!owner || owner.tryNumber !== tryNumber) return null;
    this.inflight.delete(tiId);
    const task = this.task(owner.run.dagId, owner.taskId);
    const end = planTryEnd(task, tryNumber, outcome, at, this.opts.random);
    return {
      tiId,
      tryNumber,
      state: end.state,
      at,
      nextRetryAt: end.nextRetryAt,
      error: end.error,
      xcom: outcome.status === 'success' ? outcome.xcom : undefined,
    };
  }

  private async applyFinishes(finishes: TryFinish[], now: Date, affected: RunKeySet): Promise<void> {
    const xcomById = new Map(finishes.map((f) => [f.tiId, f.xcom]));
    const applied = await this.store.finishTries(finishes);
    for (const f of finishes) {
      if (f.state === 'up_for_retry' && f.nextRetryAt && (!this.retryDueAt || f.nextRetryAt < this.retryDueAt)) this.retryDueAt = f.nextRetryAt;
    }
    const callbackRequests: CallbackRequest[] = [];
    const assetEvents: AssetEvent[] = [];
    for (const ti of applied) {
      const dag = this.dags.get(ti.dagId)?.serialized;
      if (!dag) {
        affected.add(ti);
        continue;
      }
      let steered = false;
      if (ti.state === 'success') {
        for (const uri of this.task(ti.dagId, ti.taskId)?.outlets ?? []) {
          assetEvents.push({ uri, dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, mapIndex: ti.mapIndex });
        }
        const steering = planSteering(dag, ti.taskId, xcomById.get(ti.tiId));
        if (steering.skipTaskIds.length) await this.store.skipTasks(ti, steering.skipTaskIds, now);
        for (const x of steering.expansions) await this.store.expandMapped(ti, x.taskId, x.count, now);
        steered = steering.skipTaskIds.length + steering.expansions.length > 0;
      }
      if (finishNeedsPlanning(dag, ti, steered)) affected.add(ti);
      const kind = ti.state === 'success' ? 'onSuccess' : ti.state === 'up_for_retry' ? 'onRetry' : ti.state === 'failed' ? 'onFailure' : null;
      const task = this.task(ti.dagId, ti.taskId);
      if (this.opts.onTryEnded && (ti.state === 'success' || ti.state === 'skipped' || ti.state === 'up_for_retry' || ti.state === 'failed')) {
        const f = finishes.find((x) => x.tiId === ti.tiId);
        try {
          this.opts.onTryEnded({ ...runKeyOf(ti), taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber, state: ti.state, error: f?.error ?? null, task, at: f?.at ?? now });
        } catch (err) {
          this.opts.log('warn', `onTryEnded listener failed: ${(err as Error).message}`);
        }
      }
      if (kind && task?.callbacks.includes(kind)) {
        const error = finishes.find((f) => f.tiId === ti.tiId)?.error ?? null;
        callbackRequests.push({ ...runKeyOf(ti), kind, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber, fileloc: dag.fileloc, state: ti.state, error });
      }
    }
    if (assetEvents.length) {
      await this.store.recordAssetEvents(assetEvents, now);
      this.assetsChanged = true;
    }
    await this.runCallbacks(callbackRequests, now);
  }

  private async planRuns(runs: RunKey[], now: Date): Promise<{ decisions: number; finishedRuns: number }> {
    if (runs.length === 0) return { decisions: 0, finishedRuns: 0 };
    const tis = await this.store.loadTis(runs);
    const byRun = new Map<string, typeof tis>();
    for (const ti of tis) {
      const key = runKeyString(ti);
      const list = byRun.get(key);
      if (list) list.push(ti);
      else byRun.set(key, [ti]);
    }
    const decisions: TiDecision[] = [];
    const verdicts: Array<{ run: RunKey; state: 'success' | 'failed'; reason: string | null; dag: SerializedDag }> = [];
    for (const run of runs) {
      const dag = this.dags.get(run.dagId)?.serialized;
      const runTis = byRun.get(runKeyString(run)) ?? [];
      if (!dag) continue;
      const plan = planRun(dag, runTis);
      decisions.push(...plan.decisions);
      if (plan.verdict.state !== 'running') {
        verdicts.push({ run, state: plan.verdict.state, reason: plan.verdict.state === 'failed' ? plan.verdict.reason : null, dag });
      }
    }
    if (decisions.length) await this.store.applyDecisions(decisions, now);
    const callbackRequests: CallbackRequest[] = [];
    let finishedRuns = 0;
    for (const v of verdicts) {
      if (!(await this.store.finishRun(v.run, v.state, v.reason, now))) continue;
      finishedRuns++;
      this.runsMayStart = true;
      this.opts.log(v.state === 'success' ? 'info' : 'warn', `dag run ${v.run.dagId}/${v.run.runId} ${v.state}${v.reason ? `: ${v.reason}` : ''}`);
      const kind = v.state === 'success' ? 'onSuccess' : 'onFailure';
      if (v.dag.dag_callbacks.includes(kind)) {
        callbackRequests.push({ ...runKeyOf(v.run), kind, taskId: null, mapIndex: -1, tryNumber: 0, fileloc: v.dag.fileloc, state: v.state, error: v.reason });
      }
    }
    await this.runCallbacks(callbackRequests, now);
    return { decisions: decisions.length, finishedRuns };
  }

  private async queue(now: Date): Promise<number> {
    const open = this.executor.openSlots();
    // A full executor is reported by the 'finished' event that frees a slot, which sets the flag again.
    this.queueMayHaveWork = false;
    if (open <= 0) return 0;
    const queued = await this.store.queueScheduled(open, now);
    if (queued.length === 0) return 0;
    const jobs = await buildTaskJobs(this.store, queued, (dagId, taskId) => this.task(dagId, taskId), (dagId) => this.dags.get(dagId)?.serialized.fileloc);
    for (const job of jobs) {
      this.inflight.set(job.tiId, { run: runKeyOf(job), taskId: job.taskId, mapIndex: job.mapIndex, tryNumber: job.tryNumber });
      this.executor.submit(job);
    }
    return jobs.length;
  }

  private async recoverOrphans(): Promise<void> {
    const orphans = await this.store.findOrphans(null);
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

  private async failLost(tis: Array<{ id: string; dagId: string; runId: string; taskId: string; mapIndex: number; tryNumber: number }>, now: Date): Promise<void> {
    if (tis.length === 0) return;
    for (const ti of tis) this.inflight.set(ti.id, { run: runKeyOf(ti), taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber });
    const finishes = tis.map((ti) => this.finishFor(ti.id, ti.tryNumber, WORKER_LOST, now)).filter((f): f is TryFinish => f !== null);
    const affected = new RunKeySet();
    await this.applyFinishes(finishes, now, affected);
    this.wake();
  }

  private async runCallbacks(requests: CallbackRequest[], now: Date): Promise<void> {
    if (requests.length === 0 || this.draining) return;
    const ids = await this.store.createCallbackRequests(requests, now);
    requests.forEach((r, i) => {
      const id = ids[i]!;
      this.callbacks.set(id, true);
      this.executor.submit({
        type: 'callback',
        id,
        fileloc: r.fileloc,
        dagId: r.dagId,
        runId: r.runId,
        taskId: r.taskId,
        mapIndex: r.mapIndex,
        tryNumber: r.tryNumber,
        kind: r.kind,
        state: r.state,
        error: r.error,
        timeoutMs: this.opts.callbackTimeoutMs,
      });
    });
  }

  private task(dagId: string, taskId: string): SerializedTask | undefined {
    return this.taskIndex.get(dagId)?.get(taskId);
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

function runKeyOf(x: RunKey): RunKey {
  return { dagId: x.dagId, runId: x.runId };
}


export type { FinishedTi };
