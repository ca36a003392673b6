// Airflow's event log (table `log`): one row per action a person took — trigger, pause, clear, mark, pool changes —
// through the API (and, as they adopt it, the CLI and UI). An audit trail, not task output (that is task_log).
import type { SqlClient } from './database';

export interface EventRecord {
  /** Airflow names API events `api.<operationId>`, e.g. `api.post_dag_run`. */
  event: string;
  owner: string;
  dagId?: string | null;
  runId?: string | null;
  taskId?: string | null;
  mapIndex?: number | null;
  tryNumber?: number | null;
  /** Free text; the API stores the request body as JSON. */
  extra?: string | null;
}

export async function recordEvent(sql: SqlClient, e: EventRecord, at: Date): Promise<void> {
  await sql.query(
    `INSERT INTO log (dttm, dag_id, task_id, run_id, map_index, try_number, event, owner, extra)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [at, e.dagId ?? null, e.taskId ?? null, e.runId ?? null, e.mapIndex ?? null, e.tryNumber ?? null, e.event, e.owner,
      e.extra ?? null],
  );
}
