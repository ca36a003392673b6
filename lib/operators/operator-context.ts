// What an operator implementation receives when it runs inside a task runner: the task's context plus
// the few process-level doors an operator needs (its own output streams, subprocess bookkeeping).
import type { TaskContext } from '../engine/task-context';
import type { Clock } from '../kernel/clock';

/** An operator sees its task's params, named inputs and item untyped: it works for any DAG. */
export interface OperatorContext extends TaskContext<Record<string, unknown>, Record<string, unknown>, unknown> {
  /** An output line of a subprocess, logged on its own stream (kept apart from the task's `log`). */
  output(stream: 'stdout' | 'stderr', line: string): void;
  /** The environment of the task runner process, the base of a subprocess's environment. */
  processEnv: NodeJS.ProcessEnv;
  /**
   * Declares a detached subprocess group so the executor can kill it if the runner itself dies;
   * call the returned function once the group has ended.
   */
  trackProcessGroup(pgid: number): () => void;
  /** Time a subprocess gets between SIGTERM and SIGKILL when the try is aborted. */
  termGraceMs: number;
  /** The time sensors wait by and compare with; a test's fake clock drives them through weeks at no cost. */
  clock: Clock;
  /** When the first poke of this try started, if a sensor in reschedule mode rescheduled it (ADR 0022). */
  firstPokeAt: Date | null;
}

/** The execution side of an operator; `args` are the JSON arguments of its OperatorSpec. */
export type OperatorRun = (args: Record<string, unknown>, ctx: OperatorContext) => Promise<unknown>;
