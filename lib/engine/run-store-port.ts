// The scheduler's port to persistence. Every method is set-based (one statement or one short transaction
// per call, whatever the batch size), because the scheduler's cost per tick must not grow with rows.
// Writes are guarded by the state they expect, so a stale decision is refused rather than applied.
import type { SerializedDag } from './dag-model';
import type { TiDecision, TiView } from './plan-run';
import type { NextRunInfo } from './schedule';
import type { DagRunState, TaskState, TryFinishState } from './task-states';

export interface RunKey {
  dagId: string;
  runId: string;
}

export interface DagRecord {
  dagId: string;
  serialized: SerializedDag;
  versionHash: string;
  isPaused: boolean;
  nextDagrunCreateAfter: Date | null;
  nextDagrunDataIntervalStart: Date | null;
  nextDagrunDataIntervalEnd: Date | null;
}

export interface RunRecord extends RunKey {
  id: number;
  runType: 'manual' | 'scheduled' | 'asset_triggered' | 'backfill';
  state: DagRunState;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: Record<string, unknown>;
}

export interface TiRecord extends TiView, RunKey {
  tryNumber: number;
  maxTries: number;
}

/** A try left queued or running, with the queue it was put on: an executor taking it over looks for it there. */
export interface OrphanTi extends TiRecord {
  queue: string;
}

export interface NewRun extends RunKey {
  runType: RunRecord['runType'];
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  conf: Record<string, unknown>;
  externalTrigger: boolean;
  note?: string | null;
}

export interface TryStart {
  tiId: string;
  tryNumber: number;
  pid: number;
  hostname: string;
  at: Date;
}

export interface TryFinish {
  tiId: string;
  tryNumber: number;
  state: TryFinishState;
  at: Date;
  /** When an up_for_retry or up_for_reschedule instance may be scheduled again. */
  nextRetryAt: Date | null;
  error: string | null;
  /** The return value, stored as the try's XCom when state is success. */
  xcom?: unknown;
  /** Set when the try's start arrived together with its end, so one statement records both. */
  start?: { at: Date; pid: number; hostname: string };
}

export interface FinishedTi extends RunKey {
  tiId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  state: TaskState;
  /** For a mapped instance's success: another instance of its task is still in flight (see finish-needs-planning). */
  siblingInFlight?: boolean;
}

export interface QueuedTi extends RunKey {
  tiId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  maxTries: number;
  fileloc: string;
  conf: Record<string, unknown>;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  /** When the first poke of a rescheduled sensor's try started; null for any other try. */
  firstPokeAt: Date | null;
  /** The task instance's queue (ADR 0028). */
  queue: string;
}

export interface LogLine {
  tiId: string;
  tryNumber: number;
  stream: 'stdout' | 'stderr' | 'log';
  line: string;
  at: Date;
}

export interface XcomRecord extends RunKey {
  taskId: string;
  mapIndex: number;
  value: unknown;
}

export interface MappedItemRequest extends RunKey {
  taskId: string;
  index: number;
}

export interface CallbackRequest extends RunKey {
  kind: 'onExecute' | 'onSuccess' | 'onFailure' | 'onRetry';
  taskId: string | null;
  mapIndex: number;
  tryNumber: number;
  fileloc: string;
  state: string;
  error: string | null;
}

export interface AssetEvent extends RunKey {
  uri: string;
  taskId: string;
  mapIndex: number;
  /** What the event carries for the runs it triggers: the producing task's result when that is an object. */
  extra: Record<string, unknown>;
}

export interface RunStore {
  listDags(): Promise<DagRecord[]>;
  setNextDagrun(dagId: string, next: NextRunInfo | null): Promise<void>;
  /** Creates the run (state queued) and one task instance per task; false when the run id is taken. */
  createRun(run: NewRun, dag: SerializedDag, now: Date): Promise<boolean>;
  /** Moves queued runs to running while their DAG has fewer than max_active_runs running. */
  startQueuedRuns(now: Date): Promise<RunKey[]>;
  listRunningRuns(): Promise<RunRecord[]>;
  loadTis(runs: RunKey[]): Promise<TiRecord[]>;
  applyDecisions(decisions: TiDecision[], now: Date): Promise<number>;
  markStarted(starts: TryStart[]): Promise<void>;
  heartbeat(tis: Array<{ tiId: string; tryNumber: number }>, at: Date): Promise<void>;
  /**
   * Applies the end (or reschedule) of each try still queued/running with that try number; returns those applied.
   * `logs`, lines that arrived with the ends, are appended with them, as appendLogs would.
   */
  finishTries(finishes: TryFinish[], logs?: LogLine[]): Promise<FinishedTi[]>;
  skipTasks(run: RunKey, taskIds: string[], now: Date): Promise<void>;
  expandMapped(run: RunKey, taskId: string, count: number, now: Date): Promise<void>;
  /** Schedules the retries whose delay elapsed and the rescheduled sensors whose next poke is due. */
  promoteDueRetries(now: Date): Promise<RunKey[]>;
  /** The earliest moment promoteDueRetries will find something. */
  nextRetryAt(): Promise<Date | null>;
  /** Picks up to `limit` scheduled tasks by priority within pool and max_active_tasks limits. */
  queueScheduled(limit: number, now: Date): Promise<QueuedTi[]>;
  loadXcoms(runs: RunKey[], taskIds: string[]): Promise<XcomRecord[]>;
  /** Element `index` of each task's (unmapped) list XCom: a mapped instance's item, without reading the list. */
  loadMappedItems(requests: MappedItemRequest[]): Promise<Array<MappedItemRequest & { value: unknown }>>;
  finishRun(run: RunKey, state: 'success' | 'failed', reason: string | null, now: Date): Promise<boolean>;
  /** Tries queued or running with no live executor behind them (after a crash), or a stale heartbeat. */
  findOrphans(heartbeatBefore: Date | null): Promise<OrphanTi[]>;
  /** Puts a queued try that never started back to scheduled without spending the try. */
  requeue(tis: Array<{ tiId: string; tryNumber: number }>, now: Date): Promise<void>;
  appendLogs(lines: LogLine[]): Promise<void>;
  recordAssetEvents(events: AssetEvent[], now: Date): Promise<void>;
  assetReadyDags(): Promise<Array<{ dagId: string; uris: string[] }>>;
  /** Creates the run and consumes the asset updates that triggered it, together or not at all. */
  createAssetRun(run: NewRun, dag: SerializedDag, uris: string[], now: Date): Promise<boolean>;
  /** Records callbacks to run; returns their ids in the same order. */
  createCallbackRequests(requests: CallbackRequest[], now: Date): Promise<string[]>;
  finishCallback(id: string, ok: boolean, error: string | null, now: Date): Promise<void>;
  /** Records the scheduler's liveness for the health endpoint. */
  heartbeatJob(jobId: number, at: Date): Promise<void>;
}
