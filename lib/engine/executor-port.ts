// The executor port: the scheduler submits jobs and receives events; it never waits on task code.
// Adapters: lib/executors/local (child-process pool) and lib/executors/bullmq (remote workers through Redis).

export interface TaskJob {
  type: 'task';
  /** task_instance.id */
  tiId: string;
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  maxTries: number;
  /** Absolute path of the DAG file that defines the task. */
  fileloc: string;
  logicalDate: string;
  dataIntervalStart: string;
  dataIntervalEnd: string;
  conf: Record<string, unknown>;
  item: unknown;
  upstream: Record<string, unknown>;
  /**
   * Mapped upstream tasks whose results the job does not carry (up to max_map_length of them, for every downstream
   * try): the runner pulls each list through the xcom service before the task starts, into `upstream`.
   */
  pullUpstream?: string[];
  executionTimeoutMs: number | null;
  /**
   * Set when an earlier poke of this try was rescheduled (a sensor in reschedule mode, ADR 0022): when the first
   * poke started. The sensor's timeout counts from there.
   */
  firstPokeAt: string | null;
  /**
   * The queue this try waits on (ADR 0028): the BullMQ executor hands it only to workers serving that queue; the
   * local executor ignores it. Absent means 'default'.
   */
  queue?: string;
}

export interface CallbackJob {
  type: 'callback';
  /** callback_request.id */
  id: string;
  fileloc: string;
  dagId: string;
  runId: string;
  taskId: string | null;
  mapIndex: number;
  tryNumber: number;
  kind: 'onExecute' | 'onSuccess' | 'onFailure' | 'onRetry';
  state: string;
  error: string | null;
  timeoutMs: number;
}

export type ExecutorJob = TaskJob | CallbackJob;

export interface TaskFailure {
  message: string;
  /** Error class name as thrown (e.g. 'NonRetriableError', 'TimeoutError'). */
  name: string;
  retriable: boolean;
  stack?: string;
}

export type TaskOutcome =
  | { status: 'success'; xcom: unknown }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: TaskFailure }
  /** The try is not over: it frees its slot and asks to run again at `rescheduleAt`, under the same try number. */
  | { status: 'reschedule'; rescheduleAt: Date };

export type ExecutorEvent =
  | { type: 'started'; tiId: string; tryNumber: number; pid: number; hostname: string; at: Date }
  | { type: 'heartbeat'; tiId: string; tryNumber: number; at: Date }
  | { type: 'log'; tiId: string; tryNumber: number; stream: 'stdout' | 'stderr' | 'log'; line: string; at: Date }
  | { type: 'finished'; tiId: string; tryNumber: number; outcome: TaskOutcome; at: Date }
  | { type: 'callback_finished'; id: string; ok: boolean; error: string | null; at: Date };

/** Which try a service call comes from: all a service may know of it (a remote worker's token carries no more). */
export type TryIdentity = Pick<TaskJob, 'tiId' | 'dagId' | 'runId' | 'taskId' | 'mapIndex' | 'tryNumber'>;

/** Requests from task code (`ctx.services`, `ctx.xcomPull`), answered by the process that owns the database. */
export type ServiceHandler = (job: TryIdentity, method: string, payload: unknown) => Promise<unknown>;

/** A process that runs tries, as its executor sees it (ADR 0028). */
export interface WorkerInfo {
  name: string;
  hostname: string;
  /** The queues it takes tries from; null for every queue (the local executor ignores queues). */
  queues: string[] | null;
  slots: number;
  lastHeartbeat: Date;
}

export interface Executor {
  /** Jobs it can run at once in addition to the ones it runs now. */
  openSlots(): number;
  submit(job: ExecutorJob): void;
  /** Ends a running try (timeout, manual fail); a 'finished' failed event follows. */
  kill(tiId: string, reason: string): void;
  onEvent(listener: (event: ExecutorEvent) => void): void;
  start(): Promise<void>;
  /**
   * Called once after start(), before any submit(), with the tries a previous scheduler left queued or running.
   * Returns the task instance ids of those this executor still sees to their end (Airflow's
   * try_adopt_task_instances); their events follow as if this scheduler had submitted them. The rest are requeued
   * or failed as lost. Executors whose tries die with their scheduler leave it out.
   */
  adopt?(tries: ReadonlyArray<{ tiId: string; tryNumber: number; queue?: string }>): Promise<Set<string>>;
  /** The workers running its tries now, for the UI's "no worker serves this queue"; absent: this process runs them. */
  workers?(): Promise<WorkerInfo[]>;
  /** Stops accepting jobs; tries still running are killed after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}
