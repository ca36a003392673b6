// The authoring API of DAG files in workflows/: `dag({...})`, `d.task(...)`, `a.then(b)`, `chain(a, b, c)`.
// Building never throws for graph mistakes: validate-dag.ts reports them all at once as an import error.
import type { z } from 'zod';
import type {
  DagConfig,
  OperatorSpec,
  TaskDefinition,
  TaskFunction,
  TaskKind,
  TaskOptions,
} from './dag-model';

export class TaskRef {
  constructor(readonly def: TaskDefinition) {}

  get taskId(): string {
    return this.def.taskId;
  }

  /** Makes `next` (one task or several) run after this one; returns `next` so calls can be chained. */
  then<T extends TaskRef | TaskRef[]>(next: T): T {
    for (const ref of Array.isArray(next) ? next : [next]) ref.def.upstream.add(this.def.taskId);
    return next;
  }

  /** Runs one instance of this task per item of `over`'s return value (a list), each with its own retries. */
  expand(mapping: { over: TaskRef }): this {
    this.def.mapOver = mapping.over.taskId;
    this.def.upstream.add(mapping.over.taskId);
    return this;
  }
}

const DAG_BRAND = Symbol.for('flashflow.dag');

/** `P` types `ctx.params` of the DAG's tasks (the output of its `params` schema). */
export class Dag<P = Record<string, unknown>> {
  readonly [DAG_BRAND] = true;
  readonly tasks = new Map<string, TaskDefinition>();
  /** Problems found while building (duplicate task ids); reported by validation with the graph checks. */
  readonly buildErrors: string[] = [];

  constructor(readonly config: DagConfig) {}

  get dagId(): string {
    return this.config.dagId;
  }

  /** A TypeScript function task, or an operator task when given an OperatorSpec (e.g. `bash({ command })`). */
  task(taskId: string, body: TaskFunction<P> | OperatorSpec, options: TaskOptions = {}): TaskRef {
    return typeof body === 'function'
      ? this.add(taskId, 'task', 'function', body as TaskFunction, {}, options)
      : this.add(taskId, 'task', body.operator, null, body.args, options);
  }

  /** The function returns the task id (or ids) to follow; other direct downstream tasks are skipped. */
  branch(taskId: string, fn: TaskFunction<P>, options: TaskOptions = {}): TaskRef {
    return this.add(taskId, 'branch', 'function', fn as TaskFunction, {}, options);
  }

  /** When the function returns a falsy value, every task downstream of this one is skipped. */
  shortCircuit(taskId: string, fn: TaskFunction<P>, options: TaskOptions = {}): TaskRef {
    return this.add(taskId, 'short_circuit', 'function', fn as TaskFunction, {}, options);
  }

  private add(
    taskId: string,
    kind: TaskKind,
    operator: string,
    fn: TaskFunction | null,
    args: Record<string, unknown>,
    options: TaskOptions,
  ): TaskRef {
    const def: TaskDefinition = { taskId, kind, operator, fn, args, upstream: new Set(), mapOver: null, options };
    // The first definition stays, so the rest of the graph can still be checked and reported.
    if (this.tasks.has(taskId)) this.buildErrors.push(`duplicate task id '${taskId}'`);
    else this.tasks.set(taskId, def);
    return new TaskRef(def);
  }
}

export function dag<S extends z.ZodObject | undefined = undefined>(
  config: DagConfig & { params?: S },
): Dag<S extends z.ZodObject ? z.output<S> : Record<string, unknown>> {
  return new Dag(config);
}

/** `chain(a, b, [c, d], e)`: each element runs after the previous one; lists fan out and fan in. */
export function chain(...steps: Array<TaskRef | TaskRef[]>): void {
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!;
    const next = steps[i]!;
    for (const p of Array.isArray(prev) ? prev : [prev]) p.then(next);
  }
}

/**
 * True for the objects DAG files export. A brand rather than `instanceof`, because a reloaded DAG file
 * may see another copy of this module.
 */
export function isDag(value: unknown): value is Dag {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DAG_BRAND] === true;
}
