// Task-instance and DAG-run states with Airflow's names, and the one table of legal transitions.
// Every state change in the system goes through `transition()`; the store guards it with a row version.

export const TASK_STATES = [
  'none',
  'scheduled',
  'queued',
  'running',
  'success',
  'failed',
  'up_for_retry',
  'up_for_reschedule',
  'upstream_failed',
  'skipped',
  'removed',
  'deferred',
  'restarting',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const DAG_RUN_STATES = ['queued', 'running', 'success', 'failed'] as const;
export type DagRunState = (typeof DAG_RUN_STATES)[number];

/** States a try can no longer leave on its own; only a clear or a manual mark moves them. */
export const FINISHED_STATES = ['success', 'failed', 'skipped', 'upstream_failed', 'removed'] as const;
export type FinishedState = (typeof FINISHED_STATES)[number];

/** States that hold an executor slot and a pool slot. */
export const OCCUPYING_STATES = ['queued', 'running'] as const;

export function isFinished(state: TaskState): state is FinishedState {
  return (FINISHED_STATES as readonly string[]).includes(state);
}

/**
 * What the scheduler may do on its own. Manual actions (clear, mark success/failed) are separate
 * below because a human may move any task from any state, and those are the only such moves.
 */
export const TASK_TRANSITIONS = {
  none: ['scheduled', 'skipped', 'upstream_failed', 'removed'],
  scheduled: ['queued', 'skipped', 'upstream_failed', 'removed', 'none'],
  queued: ['running', 'scheduled', 'failed', 'up_for_retry', 'success', 'skipped'],
  running: ['success', 'failed', 'up_for_retry', 'up_for_reschedule', 'skipped', 'deferred', 'restarting'],
  up_for_retry: ['scheduled', 'failed'],
  up_for_reschedule: ['scheduled', 'failed'],
  deferred: ['scheduled', 'failed'],
  restarting: ['none', 'scheduled', 'up_for_retry', 'failed'],
  success: [],
  failed: [],
  upstream_failed: [],
  skipped: [],
  removed: ['none'],
} as const satisfies Record<TaskState, readonly TaskState[]>;

export const MANUAL_TARGETS = ['none', 'success', 'failed', 'skipped'] as const;
export type ManualTarget = (typeof MANUAL_TARGETS)[number];

export type TransitionCause = 'scheduler' | 'manual';

export type TransitionResult =
  | { ok: true; next: TaskState }
  | { ok: false; reason: string };

export function transition(from: TaskState, to: TaskState, cause: TransitionCause = 'scheduler'): TransitionResult {
  if (cause === 'manual') {
    return (MANUAL_TARGETS as readonly string[]).includes(to)
      ? { ok: true, next: to }
      : { ok: false, reason: `a task cannot be set to '${to}' by hand; allowed: ${MANUAL_TARGETS.join(', ')}` };
  }
  const allowed: readonly TaskState[] = TASK_TRANSITIONS[from];
  return allowed.includes(to)
    ? { ok: true, next: to }
    : { ok: false, reason: `illegal transition ${from} → ${to}` };
}
