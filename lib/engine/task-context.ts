// What a task's code receives. It is the task's only door to the rest of the system: every method is
// proxied to the process that owns the database (DESIGN.md §1), so task code never opens it.

export interface TaskLogger {
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

export interface TaskContext<Params = Record<string, unknown>> {
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
  /** The item of a mapped task instance. */
  item: unknown;
  /**
   * Return values (XComs) of the direct upstream tasks; a mapped upstream gives the list of its results. A mapped
   * instance gets its `item` instead of the list it is mapped over (read that with `xcomPull` if needed).
   */
  upstream: Record<string, unknown>;
  log: TaskLogger;
  /** Aborted when the try times out or is cancelled; long work should honour it. */
  signal: AbortSignal;
  /** Call a service of the owning process (e.g. `cards.save`); arguments and result are structured-cloned. */
  call<T = unknown>(method: string, payload?: unknown): Promise<T>;
  /** Read the XCom of any task of this run. */
  xcomPull<T = unknown>(taskId: string, mapIndex?: number): Promise<T | null>;
}

/** Thrown by task code to fail at once, skipping the remaining retries. */
export class NonRetriableError extends Error {
  override name = 'NonRetriableError';
}

/** Thrown by task code to end the try as skipped. */
export class SkipTaskError extends Error {
  override name = 'SkipTaskError';
}
