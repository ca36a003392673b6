// The history row every recorded state change appends: the task instance as the change left it, the state it came
// from and who made it. The scheduler records each try's end; a person's clear or mark is recorded the same way.
import type { TaskState, TransitionCause } from '../engine/task-states';
import { sqlStates } from './sql-states';

/**
 * An INSERT … SELECT for a statement whose CTE `upd` is an UPDATE of task_instance returning `ti.*` and the row's
 * previous state as `from_state`. Rows whose state did not change (a clear of a waiting instance) get none, nor,
 * when `only` is given, rows left in another state.
 */
export function recordHistoryOf(cause: TransitionCause, only?: readonly TaskState[]): string {
  return `INSERT INTO task_instance_history (ti_id, dag_id, run_id, task_id, map_index, try_number, state, from_state,
       cause, operator, pool, queued_at, start_date, end_date, duration, hostname, pid, error, recorded_at)
     SELECT id, dag_id, run_id, task_id, map_index, try_number, state, from_state, '${cause}', operator, pool, queued_at,
       start_date, end_date, duration, hostname, pid, last_error, updated_at
     FROM upd WHERE state IS DISTINCT FROM from_state${only ? ` AND state IN ${sqlStates(only)}` : ''}`;
}
