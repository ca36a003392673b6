// What a task's code receives. It is the task's only door to the rest of the system: every method is
// proxied to the process that owns the database (DESIGN.md §1), so task code never opens it.
import type { TaskRef } from './task-ref';

export interface TaskLogger {
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/**
 * The services task code may call, `ctx.services.<domain>.<name>(input)`. Empty here: the engine knows no domain.
 * lib/sdk/service-registry.ts fills it in by declaration merging with every domain's contracts, so a DAG file that
 * imports `flashflow` sees them typed.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TaskServices {}

/**
 * `Params` is the DAG's params type (its zod schema's output), `Inputs` the values of the refs the task named in
 * `inputs`, `Item` the element of the list a mapped task is expanded over (`undefined` for an unmapped task).
 */
export interface TaskContext<Params = Record<string, unknown>, Inputs = Record<string, never>, Item = undefined> {
  dagId: string;
  runId: string;
  taskId: string;
  /** -1 for an unmapped task, else the index of `item` in the list the task is mapped over. */
  mapIndex: number;
  tryNumber: number;
  maxTries: number;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  /** The run's `conf`, validated and defaulted by the DAG's `params` schema. */
  params: Params;
  /** The return values (XComs) of the tasks named in `inputs`; a mapped task's as the list of its results. */
  inputs: Inputs;
  /** The item of a mapped task instance. */
  item: Item;
  log: TaskLogger;
  /**
   * This task instance's own folder for files it produces (models, reports, charts), listed and served on its page:
   * `$FLASHFLOW_HOME/artifacts/<dag>/<run>/<task>[/<map index>]`. Not created until the task creates it.
   */
  artifactsDir: string;
  /** Aborted when the try times out or is cancelled; long work should honour it. */
  signal: AbortSignal;
  /** The services of the process that owns the database, each checked against its contract on both sides. */
  services: TaskServices;
  /**
   * The XCom of a task of this run that is not an input (an input arrives in `inputs`). A ref gives the value its
   * task returns; `mapIndex` picks one instance of a mapped task.
   */
  xcomPull<R>(task: TaskRef<R>): Promise<R | null>;
  xcomPull<R>(task: TaskRef<ReadonlyArray<R>>, mapIndex: number): Promise<R | null>;
}

/** Thrown by task code to fail at once, skipping the remaining retries. */
export class NonRetriableError extends Error {
  override name = 'NonRetriableError';
}

/** Thrown by task code to end the try as skipped. */
export class SkipTaskError extends Error {
  override name = 'SkipTaskError';
}

/**
 * Thrown by a sensor in reschedule mode whose condition does not hold yet (Airflow's AirflowRescheduleException):
 * the try gives back its slot and runs again at `rescheduleAt`, under the same try number.
 */
export class RescheduleTaskError extends Error {
  override name = 'RescheduleTaskError';
  constructor(readonly rescheduleAt: Date) {
    super(`rescheduled to ${rescheduleAt.toISOString()}`);
  }
}
