// The errors a runner reports for a try that did not end by itself, and the mapping of anything task code
// throws to the executor port's TaskOutcome.
import { inspect } from 'node:util';
import type { TaskOutcome } from '../../engine/executor-port';
import { NonRetriableError } from '../../engine/task-context';

/** A failure the runner itself detects (missing task, invalid params, bad return value, timeout, kill). */
export class RunnerError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

export function timeoutError(timeoutMs: number, what = 'Task'): RunnerError {
  return new RunnerError('TimeoutError', `${what} exceeded its execution timeout of ${formatDuration(timeoutMs)}`, true);
}

export function killedError(reason: string): RunnerError {
  return new RunnerError('KilledError', `Task was killed: ${reason}`, false);
}

/** 2000 → '2s', 1500 → '1.5s', 300000 → '5m', 250 → '250ms'. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}

function hasName(err: unknown, name: string): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === name;
}

/**
 * NonRetriableError, SkipTaskError and RescheduleTaskError are recognised by name as well as by class, so an error
 * from another copy of the engine module (a DAG file's own dependency tree) still steers the outcome.
 */
export function errorToOutcome(err: unknown): TaskOutcome {
  if (hasName(err, 'SkipTaskError')) return { status: 'skipped', reason: (err as Error).message };
  if (hasName(err, 'RescheduleTaskError')) {
    const at = new Date((err as { rescheduleAt?: unknown }).rescheduleAt as Date);
    if (!Number.isNaN(at.getTime())) return { status: 'reschedule', rescheduleAt: at };
  }
  if (!(err instanceof Error) && !(typeof err === 'object' && err !== null && 'message' in err)) {
    return {
      status: 'failed',
      error: { name: 'Error', message: `task threw a non-Error value: ${inspect(err)}`, retriable: true },
    };
  }
  const e = err as Error;
  const retriable = e instanceof RunnerError ? e.retriable : !(e instanceof NonRetriableError || hasName(e, 'NonRetriableError'));
  return {
    status: 'failed',
    error: {
      name: e.name || 'Error',
      message: String(e.message),
      retriable,
      // The runner's own errors are fully described by their message; their stack is the runner's.
      ...(e.stack && !(e instanceof RunnerError) ? { stack: e.stack } : {}),
    },
  };
}
