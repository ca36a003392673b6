// The authoring API of DAG files (authoring API v2, docs/adr/0020): `dag({...})`, then `d.task(id, [settings,] body)`.
// A task's inputs are refs of the tasks whose results it needs — that draws the edges and types `ctx.inputs`;
// `expand` maps a task over a list-returning task and types `ctx.item`. Building never throws for graph mistakes:
// compile-dag.ts reports them all at once as an import error.
import type { z } from 'zod';
import type { DagConfig, OperatorSpec, OutputSchema, TaskDefinition, TaskFunction, TaskKind, TaskOptions, TriggerRule } from './dag-model';
import type { TaskContext } from './task-context';
import { isTaskRef, TaskRef, type AnyTaskRef } from './task-ref';

type Refs = Record<string, AnyTaskRef>;
type ListRef = TaskRef<readonly unknown[]>;

/**
 * What each named input receives: the result type of the task it names. Only under `all_success` (the default) did
 * every upstream task succeed; under any other trigger rule an input whose task failed or was skipped is null.
 */
export type InputValues<I extends Refs, T extends TriggerRule | undefined = undefined> = {
  [K in keyof I]: I[K] extends TaskRef<infer R> ? ([T] extends ['all_success' | undefined] ? R : R | null) : never;
};
/** The item a task mapped over `M` receives: an element of `M`'s list. */
export type ItemOf<M> = [M] extends [TaskRef<infer L>] ? (L extends readonly (infer T)[] ? T : never) : undefined;
/** A mapped task's result as its downstream tasks see it: one entry per instance, null where one left none. */
type MappedResult<M, V> = [M] extends [ListRef] ? Array<V | null> : V;

/** The options of a task, with the refs that make its edges. */
export interface TaskSettings<I extends Refs = Refs, M extends ListRef | undefined = undefined, T extends TriggerRule | undefined = TriggerRule | undefined>
  extends TaskOptions {
  triggerRule?: T;
  /** Named results of other tasks: `{ inputs: { raw: download } }` gives `ctx.inputs.raw` and the edge download → this. */
  inputs?: I;
  /** One instance of this task per item of the list `expand` returns (Airflow's `.expand()`), each with `ctx.item`. */
  expand?: M;
}

type Fn<Ctx, R> = (ctx: Ctx) => R | Promise<R>;
type Body<Ctx, R> = Fn<Ctx, R> | OperatorSpec<R>;
type NoInputs = Record<string, never>;

/** What a branch returns: the task(s) to follow (refs, or ids), or nothing to skip every direct downstream task. */
export type BranchTarget = AnyTaskRef | string | null | undefined | ReadonlyArray<AnyTaskRef | string>;

const DAG_BRAND = Symbol.for('flashflow.dag');

/** `P` types `ctx.params` of the DAG's tasks (the output of its `params` schema). */
export class Dag<P = Record<string, unknown>> {
  readonly [DAG_BRAND] = true;
  readonly tasks = new Map<string, TaskDefinition>();
  /** Problems found while building (duplicate ids, foreign refs, misplaced options); reported with the graph checks. */
  readonly buildErrors: string[] = [];

  constructor(readonly config: DagConfig) {}

  get dagId(): string {
    return this.config.dagId;
  }

  /**
   * A task: a TypeScript function of its ctx, or an operator (`bash({ command })`, `http({ … })`, …). Settings come
   * first; with `output: schema` the result is checked against the schema when the task returns it and when a
   * later task receives it (a result stored by an older version of the DAG then fails with a clear message).
   */
  task<R>(taskId: string, body: Body<TaskContext<P, NoInputs, undefined>, R>): TaskRef<R>;
  task<I extends Refs = NoInputs, M extends ListRef | undefined = undefined, T extends TriggerRule | undefined = undefined, R = unknown>(
    taskId: string,
    settings: TaskSettings<I, M, T> & { output?: undefined },
    body: Body<TaskContext<P, InputValues<I, T>, ItemOf<M>>, R>,
  ): TaskRef<MappedResult<M, R>>;
  task<S extends z.ZodType, I extends Refs = NoInputs, M extends ListRef | undefined = undefined, T extends TriggerRule | undefined = undefined>(
    taskId: string,
    settings: TaskSettings<I, M, T> & { output: S },
    body: Fn<TaskContext<P, InputValues<I, T>, ItemOf<M>>, z.input<S>> | OperatorSpec,
  ): TaskRef<MappedResult<M, z.output<S>>>;
  task(taskId: string, ...rest: unknown[]): AnyTaskRef {
    return this.add(taskId, 'task', rest);
  }

  /** The function returns the task(s) to follow; the other direct downstream tasks are skipped. */
  branch(taskId: string, fn: Fn<TaskContext<P, NoInputs, undefined>, BranchTarget>): TaskRef<string | string[] | null>;
  branch<I extends Refs = NoInputs, T extends TriggerRule | undefined = undefined>(
    taskId: string,
    settings: TaskSettings<I, undefined, T> & { output?: undefined },
    fn: Fn<TaskContext<P, InputValues<I, T>, undefined>, BranchTarget>,
  ): TaskRef<string | string[] | null>;
  branch(taskId: string, ...rest: unknown[]): AnyTaskRef {
    return this.add(taskId, 'branch', rest);
  }

  /** When the function returns a falsy value, every task downstream of this one is skipped. */
  shortCircuit<R>(taskId: string, fn: Fn<TaskContext<P, NoInputs, undefined>, R>): TaskRef<R>;
  shortCircuit<I extends Refs = NoInputs, T extends TriggerRule | undefined = undefined, R = unknown>(
    taskId: string,
    settings: TaskSettings<I, undefined, T> & { output?: undefined },
    fn: Fn<TaskContext<P, InputValues<I, T>, undefined>, R>,
  ): TaskRef<R>;
  shortCircuit(taskId: string, ...rest: unknown[]): AnyTaskRef {
    return this.add(taskId, 'short_circuit', rest);
  }

  private add(taskId: string, kind: TaskKind, rest: unknown[]): AnyTaskRef {
    const where = `task '${taskId}'`;
    const [first, second, third] = rest;
    const hasSettings = rest.length >= 2;
    const settings = (hasSettings ? first ?? {} : {}) as TaskSettings<Refs, ListRef | undefined> & { output?: OutputSchema };
    const body = hasSettings ? second : first;
    if (third !== undefined || (hasSettings && typeof first === 'function')) {
      this.buildErrors.push(`${where}: settings go before the function: d.task('${taskId}', { … }, (ctx) => …) (docs/authoring.md)`);
    }
    const { inputs, expand, output, ...options } = typeof settings === 'object' ? settings : {};
    const operatorSpec = typeof body === 'object' && body !== null && typeof (body as OperatorSpec).operator === 'string' ? (body as OperatorSpec) : null;
    if (typeof body !== 'function' && !operatorSpec) this.buildErrors.push(`${where}: needs a function or an operator (e.g. bash({ command }))`);
    const def: TaskDefinition = {
      taskId,
      kind,
      operator: operatorSpec?.operator ?? 'function',
      fn: typeof body === 'function' ? (body as TaskFunction) : null,
      args: operatorSpec?.args ?? {},
      upstream: new Set(),
      mapOver: null,
      inputs: {},
      output: output ?? null,
      options,
    };
    for (const [name, ref] of Object.entries(inputs ?? {})) {
      const upstream = this.refTaskId(ref, `${where}: input '${name}'`);
      if (upstream === null) continue;
      def.inputs[name] = upstream;
      def.upstream.add(upstream);
    }
    if (expand !== undefined) {
      def.mapOver = this.refTaskId(expand, `${where}: expand`);
      if (def.mapOver !== null) def.upstream.add(def.mapOver);
      const twice = Object.entries(def.inputs).find(([, id]) => id === def.mapOver);
      if (twice) this.buildErrors.push(`${where}: '${def.mapOver}' is both expanded over and input '${twice[0]}'; read the item from ctx.item`);
    }
    if (output != null && typeof output.safeParse !== 'function') this.buildErrors.push(`${where}: output must be a zod schema`);
    // The first definition stays, so the rest of the graph can still be checked and reported.
    if (this.tasks.has(taskId)) this.buildErrors.push(`duplicate task id '${taskId}'`);
    else this.tasks.set(taskId, def);
    return new TaskRef(this.dagId, def);
  }

  /** The task id of a ref of this DAG, or null (with a build error) for anything else. */
  private refTaskId(ref: unknown, what: string): string | null {
    if (!isTaskRef(ref)) {
      this.buildErrors.push(`${what} must be a task of this DAG (the value d.task(…) returned)`);
      return null;
    }
    if (ref.dagId !== this.dagId) {
      this.buildErrors.push(`${what} is task '${ref.taskId}' of DAG '${ref.dagId}'; use an asset or a sensor to wait for another DAG`);
      return null;
    }
    return ref.taskId;
  }
}

export function dag<S extends z.ZodObject | undefined = undefined>(
  config: DagConfig & { params?: S },
): Dag<S extends z.ZodObject ? z.output<S> : Record<string, unknown>> {
  return new Dag(config);
}

/**
 * True for the objects DAG files export. A brand rather than `instanceof`, because a reloaded DAG file
 * may see another copy of this module.
 */
export function isDag(value: unknown): value is Dag {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DAG_BRAND] === true;
}
