// The shapes of a DAG as its author writes it (with functions) and as the engine stores it (plain JSON).
// Authors build these with `dag()` from dag-builder.ts; the scheduler and the web side only see SerializedDag.
import type { z } from 'zod';

export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_skipped',
  'one_success',
  'one_failed',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

/** How a task's return value steers what runs next. */
export const TASK_KINDS = ['task', 'branch', 'short_circuit'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** A duration as authors write it: milliseconds, or '30s', '5m', '2h', '1d'. */
export type DurationInput = number | string;

export type CallbackKind = 'onExecute' | 'onSuccess' | 'onFailure' | 'onRetry';
export type TaskCallback = (ctx: CallbackContext) => unknown | Promise<unknown>;
export type DagCallback = (ctx: CallbackContext) => unknown | Promise<unknown>;

export interface CallbackContext {
  dagId: string;
  runId: string;
  taskId: string | null;
  mapIndex: number;
  tryNumber: number;
  state: string;
  error: string | null;
  log: (message: string) => void;
}

export interface TaskOptions {
  owner?: string;
  retries?: number;
  retryDelay?: DurationInput;
  retryExponentialBackoff?: boolean;
  maxRetryDelay?: DurationInput;
  executionTimeout?: DurationInput | null;
  triggerRule?: TriggerRule;
  pool?: string;
  poolSlots?: number;
  /**
   * Which workers take this task's tries (Airflow's per-task queue, ADR 0028): only `flashflow worker` processes
   * started with `--queues` naming it. Default 'default'. The local executor (standalone) runs every queue.
   */
  queue?: string;
  priorityWeight?: number;
  /**
   * Who is mailed on failure and retry: addresses, or `{ variable: 'key' }` to read them when an alert is sent from
   * that variable (comma-separated or a JSON list), so recipients change without editing the DAG.
   */
  email?: string | string[] | { variable: string };
  emailOnFailure?: boolean;
  emailOnRetry?: boolean;
  onExecute?: TaskCallback;
  onSuccess?: TaskCallback;
  onFailure?: TaskCallback;
  onRetry?: TaskCallback;
  /** Asset URIs this task updates when it succeeds. */
  outlets?: string[];
  doc?: string;
  /**
   * The run fails when this task (any instance of it, if mapped) ends failed or upstream_failed, even though tasks
   * after it run on: a run's state otherwise follows its leaves only (ADR 0006). For "report on every word, but
   * fail the run if a word failed".
   */
  failRunOnFailure?: boolean;
}

/**
 * What a non-function operator is: a registered kind and its JSON arguments. `R` is what its tries return (the
 * XCom), e.g. the last line of output of a `bash` task.
 */
export interface OperatorSpec<R = unknown> {
  operator: string;
  args: Record<string, unknown>;
  /** Type only: carries `R` to the TaskRef of a task made from this spec. */
  readonly __result?: R;
}

/** A task function as the runner calls it; authors get the typed form through dag-builder.ts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskFunction = (ctx: any) => unknown;

/** A zod schema as far as the runner uses one: to check a value and get its parsed form. */
export interface OutputSchema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: z.ZodError };
}

export interface TaskDefinition {
  taskId: string;
  kind: TaskKind;
  /** 'function' for TypeScript callables, otherwise an operator name such as 'bash'. */
  operator: string;
  fn: TaskFunction | null;
  args: Record<string, unknown>;
  upstream: Set<string>;
  /** Task whose XCom (a list) this task is mapped over, one instance per item. */
  mapOver: string | null;
  /** Input name → the task whose XCom it receives (each one is also in `upstream`). */
  inputs: Record<string, string>;
  /** Declared shape of the XCom, checked when the task returns it and when a later task receives it. */
  output: OutputSchema | null;
  options: TaskOptions;
}

export interface DagConfig {
  dagId: string;
  description?: string;
  schedule?: string | null | { assets: string[] };
  startDate?: Date | string;
  endDate?: Date | string | null;
  catchup?: boolean;
  maxActiveRuns?: number;
  maxActiveTasks?: number;
  defaultArgs?: TaskOptions;
  params?: z.ZodObject;
  tags?: string[];
  doc?: string;
  isPausedUponCreation?: boolean;
  onSuccess?: DagCallback;
  onFailure?: DagCallback;
  /** Time zone the cron schedule is read in (IANA name); UTC by default. */
  timezone?: string;
}

export interface SerializedTask {
  task_id: string;
  kind: TaskKind;
  operator: string;
  args: Record<string, unknown>;
  upstream: string[];
  downstream: string[];
  map_over: string | null;
  /** Input name → upstream task id: the data edges among `upstream`. */
  inputs: Record<string, string>;
  trigger_rule: TriggerRule;
  owner: string;
  retries: number;
  retry_delay_ms: number;
  retry_exponential_backoff: boolean;
  max_retry_delay_ms: number | null;
  execution_timeout_ms: number | null;
  pool: string;
  pool_slots: number;
  /** Absent in DAGs serialized before task queues existed: read it with taskQueue(), which gives 'default'. */
  queue?: string;
  priority_weight: number;
  email: string[];
  /** Variable holding more recipients, read at each alert; absent in DAGs serialized before it existed. */
  email_variable?: string | null;
  email_on_failure: boolean;
  email_on_retry: boolean;
  callbacks: CallbackKind[];
  outlets: string[];
  doc: string | null;
  fail_run_on_failure: boolean;
}

export interface SerializedDag {
  dag_id: string;
  fileloc: string;
  description: string | null;
  /** Cron expression or preset, null for manual only; assets listed separately. */
  schedule: string | null;
  schedule_assets: string[];
  timezone: string;
  start_date: string | null;
  end_date: string | null;
  catchup: boolean;
  max_active_runs: number;
  max_active_tasks: number;
  tags: string[];
  owners: string[];
  doc: string | null;
  is_paused_upon_creation: boolean;
  /** JSON Schema of the params (generated from the zod schema), and the defaults it yields for `{}`. */
  params_schema: Record<string, unknown> | null;
  dag_callbacks: Array<'onSuccess' | 'onFailure'>;
  tasks: SerializedTask[];
}
