// Applies a tick's batch of executor events to the store: starts, heartbeats and log lines in one write
// each, and the ends of tries with what follows from them (retries, steering, asset events, callbacks).
import type { SerializedTask } from './dag-model';
import type { ExecutorEvent, TaskOutcome } from './executor-port';
import { mapLengthProblem } from './max-map-length';
import { planSteering } from './plan-steering';
import { planTryEnd } from './plan-try-end';
import { finishNeedsPlanning } from './finish-needs-planning';
import type { AssetEvent, CallbackRequest, LogLine, RunKey, RunStore, TryFinish, TryStart } from './run-store-port';
import { runKeyOf, RunKeySet } from './run-key-set';
import type { DagCatalog } from './dag-catalog';
import type { TickHints } from './tick-hints';
import type { CallbackSubmitter } from './submit-callbacks';
import type { TryEndState } from './task-states';

export interface TryEndedEvent {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  state: TryEndState;
  error: string | null;
  task: SerializedTask | undefined;
  at: Date;
}

/** A try this scheduler handed to its executor; only its owner's `finished` event may end it. */
export interface InflightTry {
  run: RunKey;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
}

export interface LostTry {
  id: string;
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
}

export interface ExecutorEventApplierOptions {
  store: RunStore;
  catalog: DagCatalog;
  hints: TickHints;
  /** Shared with the queueing that fills it, keyed by task instance id. */
  inflight: Map<string, InflightTry>;
  callbacks: CallbackSubmitter;
  random: () => number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  onTryEnded?: (event: TryEndedEvent) => void;
  /** The runner checks it too; checked again here for a worker whose own setting is higher (ADR 0032). */
  maxMapLength?: number;
}

const WORKER_LOST: TaskOutcome = {
  status: 'failed',
  error: { name: 'WorkerLostError', message: 'the process running this try stopped (crash or restart)', retriable: true },
};

export class ExecutorEventApplier {
  constructor(private readonly opts: ExecutorEventApplierOptions) {}

  /** Adds to `affected` the runs whose plan the events may have changed. */
  async apply(events: ExecutorEvent[], now: Date, affected: RunKeySet): Promise<void> {
    if (events.length === 0) return;
    const { store, hints } = this.opts;
    const starts: TryStart[] = [];
    const beats: Array<{ tiId: string; tryNumber: number }> = [];
    const logs: LogLine[] = [];
    const finishes: TryFinish[] = [];
    // Owners taken off `inflight` for the finishes below: put back if the writes fail, so that the events, applied
    // again by a later tick, still find them.
    const released = new Map<string, InflightTry>();
    const finishFor = (tiId: string, tryNumber: number, outcome: TaskOutcome, at: Date) => {
      const owner = this.opts.inflight.get(tiId);
      const finish = this.finishFor(tiId, tryNumber, outcome, at, now);
      if (finish && owner) released.set(tiId, owner);
      return finish;
    };
    for (const e of events) {
      if (e.type === 'started') starts.push(e);
      else if (e.type === 'heartbeat') beats.push(e);
      else if (e.type === 'log') logs.push(e);
      else if (e.type === 'finished') {
        hints.queueMayHaveWork = true; // its executor and pool slots are free again
        const finish = finishFor(e.tiId, e.tryNumber, e.outcome, e.at);
        if (finish) finishes.push(finish);
      } else if (e.type === 'callback_finished') {
        hints.queueMayHaveWork = true;
        this.opts.callbacks.finished(e.id);
        if (!e.ok) this.opts.log('warn', `callback ${e.id} failed: ${e.error}`);
        await store.finishCallback(e.id, e.ok, e.error, e.at);
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
    try {
      if (startsAlone.length) await store.markStarted(startsAlone);
      if (beats.length) await store.heartbeat(beats, now);
      // With ends, the lines travel in the ends' statement: one round trip for both.
      if (finishes.length) await this.applyFinishes(finishes, now, affected, logs);
      else if (logs.length) await store.appendLogs(logs);
    } catch (err) {
      for (const [tiId, owner] of released) if (!this.opts.inflight.has(tiId)) this.opts.inflight.set(tiId, owner);
      throw err;
    }
  }

  /**
   * Fails tries whose process is gone (left by a stopped process, or zombies) as a lost worker would, so
   * they retry under their own policy. Their runs are not planned here: the caller asks for a tick.
   */
  async failLost(tis: LostTry[], now: Date): Promise<void> {
    const { inflight } = this.opts;
    for (const ti of tis) inflight.set(ti.id, { run: runKeyOf(ti), taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber });
    const finishes = tis.map((ti) => this.finishFor(ti.id, ti.tryNumber, WORKER_LOST, now, now)).filter((f): f is TryFinish => f !== null);
    const affected = new RunKeySet();
    await this.applyFinishes(finishes, now, affected);
  }

  /**
   * `at` is when the try ended by its executor's clock (recorded as its end); `now`, the scheduler's, is what the
   * retry delay counts from: a worker whose clock runs behind must not make retries come early.
   */
  private finishFor(tiId: string, tryNumber: number, outcome: TaskOutcome, at: Date, now: Date): TryFinish | null {
    const owner = this.opts.inflight.get(tiId);
    if (!owner || owner.tryNumber !== tryNumber) return null;
    this.opts.inflight.delete(tiId);
    const task = this.opts.catalog.task(owner.run.dagId, owner.taskId);
    const checked = this.withinMapLength(owner, outcome);
    const end = planTryEnd(task, tryNumber, checked, now, this.opts.random);
    return {
      tiId,
      tryNumber,
      state: end.state,
      at,
      nextRetryAt: end.nextRetryAt,
      error: end.error,
      xcom: checked.status === 'success' ? checked.xcom : undefined,
    };
  }

  /** A success whose list would expand a mapped task past max_map_length is that try's failure, not a flood. */
  private withinMapLength(owner: InflightTry, outcome: TaskOutcome): TaskOutcome {
    if (outcome.status !== 'success' || !Array.isArray(outcome.xcom) || this.opts.maxMapLength === undefined) return outcome;
    const dag = this.opts.catalog.dag(owner.run.dagId);
    const mapped = (dag?.tasks ?? []).filter((t) => t.map_over === owner.taskId).map((t) => t.task_id);
    const problem = mapped.length ? mapLengthProblem(owner.taskId, mapped, outcome.xcom.length, this.opts.maxMapLength) : null;
    return problem ? { status: 'failed', error: { name: 'MapLengthError', message: problem, retriable: false } } : outcome;
  }

  private async applyFinishes(finishes: TryFinish[], now: Date, affected: RunKeySet, logs: LogLine[] = []): Promise<void> {
    const { store, catalog, hints } = this.opts;
    const xcomById = new Map(finishes.map((f) => [f.tiId, f.xcom]));
    const applied = await store.finishTries(finishes, logs);
    for (const f of finishes) {
      // A retry's delay or a rescheduled sensor's next poke: the earliest one is when a tick must promote.
      if (f.nextRetryAt && (!hints.retryDueAt || f.nextRetryAt < hints.retryDueAt)) hints.retryDueAt = f.nextRetryAt;
    }
    const callbackRequests: CallbackRequest[] = [];
    const assetEvents: AssetEvent[] = [];
    for (const ti of applied) {
      const dag = catalog.dag(ti.dagId);
      if (!dag) {
        affected.add(ti);
        continue;
      }
      let steered = false;
      if (ti.state === 'success') {
        const result = xcomById.get(ti.tiId);
        const extra = result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : {};
        for (const uri of catalog.task(ti.dagId, ti.taskId)?.outlets ?? []) {
          assetEvents.push({ uri, dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, extra });
        }
        const steering = planSteering(dag, ti.taskId, xcomById.get(ti.tiId));
        if (steering.skipTaskIds.length) await store.skipTasks(ti, steering.skipTaskIds, now);
        for (const x of steering.expansions) await store.expandMapped(ti, x.taskId, x.count, now);
        steered = steering.skipTaskIds.length + steering.expansions.length > 0;
      }
      if (finishNeedsPlanning(dag, ti, steered)) affected.add(ti);
      const kind = ti.state === 'success' ? 'onSuccess' : ti.state === 'up_for_retry' ? 'onRetry' : ti.state === 'failed' ? 'onFailure' : null;
      const task = catalog.task(ti.dagId, ti.taskId);
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
      await store.recordAssetEvents(assetEvents, now);
      hints.assetsChanged = true;
    }
    await this.opts.callbacks.submit(callbackRequests, now);
  }
}
