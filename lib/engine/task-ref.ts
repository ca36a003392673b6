// A handle on a task of a DAG being built. Its type parameter is what the task returns (its XCom), so passing the
// ref as another task's input both draws the edge and types the value that task receives.
import type { TaskDefinition } from './dag-model';

const REF_BRAND = Symbol.for('flashflow.taskRef');

export class TaskRef<R = unknown> {
  readonly [REF_BRAND] = true;
  /** Type only: the value downstream tasks receive from this task. */
  declare readonly __result: R;

  constructor(
    readonly dagId: string,
    readonly def: TaskDefinition,
  ) {}

  get taskId(): string {
    return this.def.taskId;
  }

  /**
   * Makes `next` (one task or several) run after this one, for an order without data (a task that passes its
   * result draws the edge itself, through `inputs`); returns `next` so calls can be chained.
   */
  then<T extends AnyTaskRef | readonly AnyTaskRef[]>(next: T): T {
    // A method named `then` makes every ref a thenable: `await ref`, or a ref returned by an async function (a branch
    // that returns the task to follow), calls then(resolve, reject). Resolve such an await with the task id.
    if (typeof next === 'function') return (next as unknown as (id: string) => T)(this.def.taskId);
    for (const ref of (Array.isArray(next) ? next : [next]) as AnyTaskRef[]) ref.def.upstream.add(this.def.taskId);
    return next;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTaskRef = TaskRef<any>;

/** A brand rather than `instanceof`, because a reloaded DAG file may see another copy of this module. */
export function isTaskRef(value: unknown): value is AnyTaskRef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REF_BRAND] === true;
}

/** `chain(a, b, [c, d], e)`: each element runs after the previous one; lists fan out and fan in. */
export function chain(...steps: Array<AnyTaskRef | readonly AnyTaskRef[]>): void {
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!;
    const next = steps[i]!;
    for (const p of (Array.isArray(prev) ? prev : [prev]) as AnyTaskRef[]) p.then(next);
  }
}
