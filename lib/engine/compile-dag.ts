// Validates an authored DAG and turns it into its JSON form. Every problem is collected, so an import
// error lists all of them at once; a DAG is either wholly valid or not stored at all.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Dag } from './dag-builder';
import type { CallbackKind, SerializedDag, SerializedTask, TaskDefinition, TaskOptions } from './dag-model';
import { TRIGGER_RULES } from './dag-model';
import { parseDuration } from './duration';
import { parseCron } from './schedule';
import { DEFAULT_QUEUE, QueueNameSchema } from './task-queue';
import { formatZodIssues } from '../kernel/zod-issues';

export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,250}$/;
const ID_RULE = 'letters, digits, dashes, dots and underscores, at most 250';
const CALLBACK_KINDS: CallbackKind[] = ['onExecute', 'onSuccess', 'onFailure', 'onRetry'];

export type CompileResult = { ok: true; dag: SerializedDag } | { ok: false; errors: string[] };

export function compileDag(dag: Dag, fileloc: string): CompileResult {
  const errors: string[] = [...dag.buildErrors];
  const cfg = dag.config;
  if (!ID_PATTERN.test(cfg.dagId ?? '')) errors.push(`dag id '${cfg.dagId}' is invalid: use ${ID_RULE} characters`);

  const tasks: SerializedTask[] = [];
  for (const def of dag.tasks.values()) {
    const task = compileTask(def, { ...cfg.defaultArgs, ...def.options }, dag, errors);
    if (task) tasks.push(task);
  }
  for (const t of tasks) t.downstream = tasks.filter((d) => d.upstream.includes(t.task_id)).map((d) => d.task_id);
  const cycle = findCycle(tasks);
  if (cycle) errors.push(`cycle detected: ${cycle.join(' → ')}`);

  const schedule = compileSchedule(cfg.schedule, cfg.timezone ?? 'UTC', errors);
  const startDate = toDate(cfg.startDate, 'startDate', errors);
  const endDate = toDate(cfg.endDate ?? undefined, 'endDate', errors);
  const maxActiveRuns = positiveInt(cfg.maxActiveRuns ?? 16, 'maxActiveRuns', errors);
  const maxActiveTasks = positiveInt(cfg.maxActiveTasks ?? 16, 'maxActiveTasks', errors);

  let paramsSchema: Record<string, unknown> | null = null;
  if (cfg.params !== undefined) {
    if (!(cfg.params instanceof z.ZodObject)) errors.push('params must be a zod object schema (z.object({...}))');
    else {
      const defaults = cfg.params.safeParse({});
      if (!defaults.success) {
        // Allowed: required params without defaults make manual triggers supply them; scheduled runs would fail.
        if (schedule.expression) errors.push(`params have required fields without defaults, so scheduled runs cannot start: ${formatZodIssues(defaults.error)}`);
      }
      try {
        paramsSchema = z.toJSONSchema(cfg.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      } catch (err) {
        errors.push(`params cannot be described as JSON Schema: ${(err as Error).message}`);
      }
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const owners = [...new Set(tasks.map((t) => t.owner))];
  return {
    ok: true,
    dag: {
      dag_id: cfg.dagId,
      fileloc,
      description: cfg.description ?? null,
      schedule: schedule.expression,
      schedule_assets: schedule.assets,
      timezone: cfg.timezone ?? 'UTC',
      start_date: startDate?.toISOString() ?? null,
      end_date: endDate?.toISOString() ?? null,
      catchup: cfg.catchup ?? false,
      max_active_runs: maxActiveRuns,
      max_active_tasks: maxActiveTasks,
      tags: cfg.tags ?? [],
      owners,
      doc: cfg.doc ?? null,
      is_paused_upon_creation: cfg.isPausedUponCreation ?? false,
      params_schema: paramsSchema,
      dag_callbacks: (['onSuccess', 'onFailure'] as const).filter((k) => typeof cfg[k] === 'function'),
      tasks,
    },
  };
}

/** Stable hash of the serialized form; changes whenever anything the scheduler or UI sees changes. */
export function dagVersionHash(dag: SerializedDag): string {
  return createHash('sha256').update(JSON.stringify(dag)).digest('hex').slice(0, 32);
}

function compileTask(def: TaskDefinition, opts: TaskOptions, dag: Dag, errors: string[]): SerializedTask | null {
  const where = `task '${def.taskId}'`;
  const before = errors.length;
  if (!ID_PATTERN.test(def.taskId)) errors.push(`${where}: id is invalid: use ${ID_RULE} characters`);
  for (const up of def.upstream) {
    if (!dag.tasks.has(up)) errors.push(`${where}: depends on unknown task '${up}'`);
  }
  if (def.mapOver && !dag.tasks.has(def.mapOver)) errors.push(`${where}: is mapped over unknown task '${def.mapOver}'`);
  const rule = opts.triggerRule ?? 'all_success';
  if (!TRIGGER_RULES.includes(rule)) errors.push(`${where}: unknown trigger rule '${rule}'`);
  const retries = nonNegativeInt(opts.retries ?? 0, `${where}: retries`, errors);
  const retryDelay = duration(opts.retryDelay ?? '5m', `${where}: retryDelay`, errors);
  const maxRetryDelay = opts.maxRetryDelay === undefined ? null : duration(opts.maxRetryDelay, `${where}: maxRetryDelay`, errors);
  const timeout = opts.executionTimeout == null ? null : duration(opts.executionTimeout, `${where}: executionTimeout`, errors);
  const poolSlots = positiveInt(opts.poolSlots ?? 1, `${where}: poolSlots`, errors);
  const queue = QueueNameSchema.safeParse(opts.queue ?? DEFAULT_QUEUE);
  if (!queue.success) errors.push(`${where}: queue ${JSON.stringify(opts.queue)} is invalid: ${queue.error.issues[0]?.message}`);
  const priority = Number.isInteger(opts.priorityWeight ?? 1) ? (opts.priorityWeight ?? 1) : NaN;
  if (Number.isNaN(priority)) errors.push(`${where}: priorityWeight must be an integer`);
  if (def.operator === 'function' && typeof def.fn !== 'function') errors.push(`${where}: has no function to run`);
  const { email, emailVariable } = emailOption(opts.email, where, errors);
  if (errors.length > before) return null;
  const alerting = email.length > 0 || emailVariable !== null;
  return {
    task_id: def.taskId,
    kind: def.kind,
    operator: def.operator,
    args: def.args,
    upstream: [...def.upstream].sort(),
    downstream: [],
    map_over: def.mapOver,
    inputs: { ...def.inputs },
    trigger_rule: rule,
    owner: opts.owner ?? 'flashflow',
    retries,
    retry_delay_ms: retryDelay,
    retry_exponential_backoff: opts.retryExponentialBackoff ?? false,
    max_retry_delay_ms: maxRetryDelay,
    execution_timeout_ms: timeout,
    pool: opts.pool ?? 'default_pool',
    pool_slots: poolSlots,
    queue: queue.data ?? DEFAULT_QUEUE,
    priority_weight: priority,
    email,
    email_variable: emailVariable,
    email_on_failure: opts.emailOnFailure ?? alerting,
    email_on_retry: opts.emailOnRetry ?? alerting,
    callbacks: CALLBACK_KINDS.filter((k) => typeof opts[k] === 'function'),
    outlets: opts.outlets ?? [],
    doc: opts.doc ?? null,
    fail_run_on_failure: opts.failRunOnFailure ?? false,
  };
}

function compileSchedule(
  schedule: string | null | { assets: string[] } | undefined,
  timezone: string,
  errors: string[],
): { expression: string | null; assets: string[] } {
  if (schedule == null) return { expression: null, assets: [] };
  if (typeof schedule === 'object') {
    if (!Array.isArray(schedule.assets) || schedule.assets.length === 0 || schedule.assets.some((a) => typeof a !== 'string' || a === '')) {
      errors.push('schedule.assets must be a non-empty list of asset URIs');
      return { expression: null, assets: [] };
    }
    return { expression: null, assets: schedule.assets };
  }
  try {
    parseCron(schedule, timezone);
  } catch (err) {
    errors.push(`schedule: ${(err as Error).message}`);
  }
  return { expression: schedule, assets: [] };
}

/** Depth-first search; returns the task ids of one cycle, closed (a → b → a), or null. */
function findCycle(tasks: SerializedTask[]): string[] | null {
  const byId = new Map(tasks.map((t) => [t.task_id, t]));
  const color = new Map<string, 'grey' | 'black'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    color.set(id, 'grey');
    path.push(id);
    for (const next of byId.get(id)?.downstream ?? []) {
      if (color.get(next) === 'grey') return [...path.slice(path.indexOf(next)), next];
      if (!color.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    color.set(id, 'black');
    return null;
  };
  for (const t of tasks) {
    if (!color.has(t.task_id)) {
      const found = visit(t.task_id);
      if (found) return found;
    }
  }
  return null;
}

function toDate(value: Date | string | undefined, what: string, errors: string[]): Date | null {
  if (value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) {
    errors.push(`${what} '${String(value)}' is not a date`);
    return null;
  }
  return d;
}

function duration(value: number | string, what: string, errors: string[]): number {
  try {
    return parseDuration(value, what);
  } catch (err) {
    errors.push((err as Error).message);
    return 0;
  }
}

function positiveInt(value: number, what: string, errors: string[]): number {
  if (!Number.isInteger(value) || value < 1) errors.push(`${what} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInt(value: number, what: string, errors: string[]): number {
  if (!Number.isInteger(value) || value < 0) errors.push(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

function emailOption(value: TaskOptions['email'], where: string, errors: string[]): { email: string[]; emailVariable: string | null } {
  if (value === undefined) return { email: [], emailVariable: null };
  if (typeof value === 'string' || Array.isArray(value)) return { email: typeof value === 'string' ? [value] : value, emailVariable: null };
  if (typeof value.variable !== 'string' || value.variable.trim() === '') {
    errors.push(`${where}: email { variable } must name a variable`);
    return { email: [], emailVariable: null };
  }
  return { email: [], emailVariable: value.variable };
}
