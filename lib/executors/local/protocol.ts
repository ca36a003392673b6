// The IPC messages between the LocalExecutor (parent) and its runner processes (children).
// Channels use `serialization: 'advanced'` (structured clone), so Dates and nested data cross as they are.
import type { CallbackJob, ExecutorEvent, TaskJob } from '../../engine/executor-port';

/** Settings of one runner process, passed once at fork as argv[2] (JSON). */
export interface RunnerConfig {
  heartbeatMs: number;
  maxXcomBytes: number;
  /** How long a bash process group gets between SIGTERM and SIGKILL. */
  termGraceMs: number;
  /** Where the operators a task names but Flashflow does not build in are looked for (ADR 0025). */
  pluginFolders: string[];
}

export type ParentMessage =
  | { type: 'run'; job: TaskJob | CallbackJob }
  | { type: 'kill'; tiId: string; tryNumber: number; reason: string }
  /** A DAG file another runner was just given a job from: import it now, its tries may come here next. */
  | { type: 'warm'; fileloc: string }
  | { type: 'response'; id: number; ok: true; value: unknown }
  /** `permanent`: the request itself was wrong (bad input, unknown id), so the task should not retry. */
  | { type: 'response'; id: number; ok: false; error: string; permanent?: boolean }
  | { type: 'shutdown' };

export type ChildMessage =
  | { type: 'ready'; pid: number }
  /**
   * An event for the scheduler. On a 'finished' event, `lingering` says the task's code is still running
   * (it ignored the abort signal); its result will be discarded and a 'released' message follows if it ends.
   */
  | { type: 'event'; event: ExecutorEvent; lingering?: boolean }
  | { type: 'released'; key: string }
  | { type: 'request'; id: number; tiId: string; tryNumber: number; method: string; payload: unknown }
  /** A subprocess group (bash) a try started or that ended, so the parent can kill it if the runner dies. */
  | { type: 'pgroup'; key: string; pgid: number; open: boolean }
  /** A line a callback logged; callbacks have no try log, so it goes to the executor's logger. */
  | { type: 'callback_log'; id: string; line: string };

/** One identity per try (or callback) in both processes: a retry of the same tiId is a different job. */
export function jobKey(job: TaskJob | CallbackJob): string {
  return job.type === 'task' ? taskKey(job.tiId, job.tryNumber) : `callback:${job.id}`;
}

export function taskKey(tiId: string, tryNumber: number): string {
  return `task:${tiId}#${tryNumber}`;
}

/** The job an event belongs to, under jobKey()'s identity. */
export function eventKey(event: ExecutorEvent): string {
  return event.type === 'callback_finished' ? `callback:${event.id}` : taskKey(event.tiId, event.tryNumber);
}
