// Every try of a run's task instances, for the Gantt chart and the task-instance page: the ended tries from
// task_instance_history plus the try in progress, which has no history row yet. A try's history is its end and
// any change a person made to it since (ADR 0021); the page shows where it stands now.
import { MANUAL_MOVES } from '../engine/task-states';
import type { SqlClient } from './database';
import { sqlStates } from './sql-states';

export interface TryRow {
  task_id: string;
  map_index: number;
  try_number: number;
  state: string;
  queued_at: Date | null;
  start_date: Date | null;
  end_date: Date | null;
  duration: number | null;
  hostname: string | null;
  error: string | null;
  /** False for the current try read from task_instance. */
  finished: boolean;
}

export interface TryFilter {
  taskId?: string;
  mapIndex?: number;
}

/** Tries that started or were queued (try_number ≥ 1), ordered by task, map index, try. */
export async function listRunTries(sql: SqlClient, dagId: string, runId: string, f: TryFilter = {}): Promise<TryRow[]> {
  return sql.query<TryRow>(
    `WITH h AS (
       -- Each try's latest row, clears aside: a clear readies the next try and does not change how this one ended.
       SELECT DISTINCT ON (h.ti_id, h.try_number) h.task_id, h.map_index, h.try_number, h.state, h.queued_at,
         h.start_date, h.end_date, h.duration, h.hostname, h.error
       FROM task_instance_history h
       WHERE h.dag_id = $1 AND h.run_id = $2 AND ($3::text IS NULL OR h.task_id = $3) AND ($4::int IS NULL OR h.map_index = $4)
         AND h.try_number > 0 AND h.state NOT IN ${sqlStates(MANUAL_MOVES.clear.to)}
       ORDER BY h.ti_id, h.try_number, h.id DESC
     )
     SELECT task_id, map_index, try_number, state, queued_at, start_date, end_date, duration, hostname, error, true AS finished
     FROM h
     UNION ALL
     SELECT ti.task_id, ti.map_index, ti.try_number, ti.state, ti.queued_at, ti.start_date, ti.end_date, ti.duration,
       ti.hostname, ti.last_error, false
     FROM task_instance ti
     WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ($3::text IS NULL OR ti.task_id = $3) AND ($4::int IS NULL OR ti.map_index = $4)
       AND ti.try_number > 0
       AND NOT EXISTS (SELECT 1 FROM task_instance_history h WHERE h.ti_id = ti.id AND h.try_number = ti.try_number)
     ORDER BY task_id, map_index, try_number`,
    [dagId, runId, f.taskId ?? null, f.mapIndex ?? null],
  );
}
