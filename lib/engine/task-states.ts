// Task-instance and DAG-run states with Airflow's names, and the one table of legal transitions.
// Every state write in the store is one of the named moves below: its SQL takes the move's `from` and `to` lists as
// parameters, so a statement cannot change a state in a way the table does not allow (ADR 0021).

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

/** The state a task instance is created in, and the one a clear puts it back to. */
export const TASK_INITIAL_STATE = 'none' satisfies TaskState;
export const DAG_RUN_INITIAL_STATE = 'queued' satisfies DagRunState;

/** States a try can no longer leave on its own; only a clear or a manual mark moves them. */
export const FINISHED_STATES = ['success', 'failed', 'skipped', 'upstream_failed', 'removed'] as const;
export type FinishedState = (typeof FINISHED_STATES)[number];

/** States that hold an executor slot and a pool slot. */
export const OCCUPYING_STATES = ['queued', 'running'] as const;

/** States in which a task will still move without the scheduler deciding anything about its upstream. */
export const IN_FLIGHT_STATES = [
  'scheduled',
  'queued',
  'running',
  'up_for_retry',
  'up_for_reschedule',
  'deferred',
  'restarting',
] as const;

/** Airflow's State.failed_states: what clear's only_failed selects and a "retry" button offers. */
export const FAILED_STATES = ['failed', 'upstream_failed'] as const;

export function isFinished(state: TaskState): state is FinishedState {
  return (FINISHED_STATES as readonly string[]).includes(state);
}

/**
 * What the scheduler may do on its own. Manual actions (clear, mark success/failed) follow the manual rule
 * below instead, because a person may move a task from (almost) any state.
 */
export const TASK_TRANSITIONS = {
  none: ['scheduled', 'skipped', 'upstream_failed', 'removed'],
  scheduled: ['queued', 'skipped', 'upstream_failed', 'removed', 'none'],
  queued: ['running', 'scheduled', 'failed', 'up_for_retry', 'up_for_reschedule', 'success', 'skipped'],
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

/** A kind of state write: the states it may find a row in, and those it may leave it in. */
export interface Move<F extends string = TaskState, T extends string = TaskState> {
  readonly from: readonly F[];
  readonly to: readonly [T, ...T[]];
}

type Table = Readonly<Record<string, readonly string[]>>;

/** The states every state of F may move to: the intersection of their rows of the table. */
type CommonTargets<T extends Table, F extends keyof T> =
  (F extends keyof T ? (to: T[F][number]) => void : never) extends (to: infer S) => void ? S : never;

/** Moves of a table: the compiler refuses one unless every one of its (from → to) pairs is in the table. */
function movesOf<T extends Table>() {
  return <const F extends keyof T & string, const S extends readonly [CommonTargets<T, F> & string, ...(CommonTargets<T, F> & string)[]]>(
    from: readonly F[],
    to: S,
  ): { readonly from: readonly F[]; readonly to: S } => ({ from, to });
}
const schedulerMove = movesOf<typeof TASK_TRANSITIONS>();

/** Every write the scheduler makes to a task instance's state. */
export const SCHEDULER_MOVES = {
  /** planRun settles a waiting task once its upstream allows (runs, skips, upstream failure), or finds it removed. */
  decide: schedulerMove(['none'], ['scheduled', 'skipped', 'upstream_failed', 'removed']),
  /** A branch skips the paths it did not choose, a short-circuit everything after it. */
  steerSkip: schedulerMove(['none', 'scheduled'], ['skipped']),
  /** A mapped task's placeholder (still waiting) is expanded into its instances, or skipped when the list is empty. */
  expand: schedulerMove(['none'], ['skipped']),
  /** A scheduled task gets an executor slot and a new try number. */
  queue: schedulerMove(['scheduled'], ['queued']),
  /** Its executor reports the try started. */
  start: schedulerMove(['queued'], ['running']),
  /** A try ends: reported by its executor, or failed as lost (zombie, dead worker). Its start may not be recorded. */
  finish: schedulerMove(['queued', 'running'], ['success', 'skipped', 'up_for_retry', 'failed']),
  /**
   * A sensor's poke in reschedule mode ends without ending its try (ADR 0022): the try gives its slot back until its
   * next poke is due, and keeps its try number. Like a finish, its start may not be recorded.
   */
  reschedule: schedulerMove(['queued', 'running'], ['up_for_reschedule']),
  /** A retry whose delay elapsed, or a rescheduled sensor whose next poke is due, waits for a slot again. */
  promoteDue: schedulerMove(['up_for_retry', 'up_for_reschedule'], ['scheduled']),
  /** A try queued by a stopped process that never started waits again, under the same try number. */
  requeue: schedulerMove(['queued'], ['scheduled']),
} as const;

export type TryEndState = (typeof SCHEDULER_MOVES.finish.to)[number];
/** What an executor's 'finished' event leads to: the try's end, or a reschedule that keeps the try going. */
export type TryFinishState = TryEndState | (typeof SCHEDULER_MOVES.reschedule.to)[number];

/**
 * The manual rule: a person clears a task instance (→ none) or marks it success / failed, from any state that
 * holds no executor slot. Only a queued or running try's end (a scheduler move) releases its slot, so a person's
 * change waits for that end.
 */
export const MANUAL_TARGETS = ['none', 'success', 'failed'] as const;
export type ManualTarget = (typeof MANUAL_TARGETS)[number];
export const MANUAL_SOURCES = TASK_STATES.filter((s) => !(OCCUPYING_STATES as readonly string[]).includes(s));

/** Every write a person makes to a task instance's state (lib/store/task-actions.ts). */
export const MANUAL_MOVES = {
  /** A clear of an instance already in `none` changes no state: it only restores its retries. */
  clear: { from: MANUAL_SOURCES, to: ['none'] },
  mark: { from: MANUAL_SOURCES, to: ['success', 'failed'] },
} as const satisfies Record<string, Move<TaskState, ManualTarget>>;

/** Who made a change: the scheduler (its moves must be in TASK_TRANSITIONS) or a person (the manual rule). */
export type TransitionCause = 'scheduler' | 'manual';

export type TransitionResult<S extends string = TaskState> = { ok: true; next: S } | { ok: false; reason: string };

export function transition(from: TaskState, to: TaskState, cause: TransitionCause = 'scheduler'): TransitionResult {
  if (cause === 'manual') {
    if (!(MANUAL_TARGETS as readonly string[]).includes(to)) {
      return { ok: false, reason: `a task cannot be set to '${to}' by hand; allowed: ${MANUAL_TARGETS.join(', ')}` };
    }
    if (!MANUAL_SOURCES.includes(from)) return { ok: false, reason: `a ${from} task cannot be changed by hand; it must end first` };
    return from === to ? { ok: false, reason: `the task is already ${to}` } : { ok: true, next: to };
  }
  const allowed: readonly TaskState[] = TASK_TRANSITIONS[from];
  return allowed.includes(to) ? { ok: true, next: to } : { ok: false, reason: `illegal transition ${from} → ${to}` };
}

/** A run's state follows its tasks (ADR 0006): the scheduler starts it, and ends it when its leaves have settled. */
export const DAG_RUN_TRANSITIONS = {
  queued: ['running'],
  running: ['success', 'failed'],
  success: [],
  failed: [],
} as const satisfies Record<DagRunState, readonly DagRunState[]>;

const runMove = movesOf<typeof DAG_RUN_TRANSITIONS>();

export const DAG_RUN_MOVES = {
  start: runMove(['queued'], ['running']),
  finish: runMove(['running'], ['success', 'failed']),
  /** Manual: a clear or mark of its tasks puts a finished run back to queued, so the scheduler plans it anew. */
  reopen: { from: ['success', 'failed'], to: ['queued'] },
} as const satisfies Record<string, Move<DagRunState, DagRunState>>;

export function runTransition(from: DagRunState, to: DagRunState, cause: TransitionCause = 'scheduler'): TransitionResult<DagRunState> {
  const allowed: readonly DagRunState[] = cause === 'manual'
    ? ((DAG_RUN_MOVES.reopen.from as readonly DagRunState[]).includes(from) ? DAG_RUN_MOVES.reopen.to : [])
    : DAG_RUN_TRANSITIONS[from];
  return allowed.includes(to) ? { ok: true, next: to } : { ok: false, reason: `illegal ${cause} run transition ${from} → ${to}` };
}
