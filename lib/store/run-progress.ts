// One DAG run as someone following it sees it: its task instances' states, the log lines written past a mark,
// and whether the run has ended. Read by `flashflow dags test` while it waits and by the dag-runs API.
import type { RunKey } from '../engine/run-store-port';
import type { SqlClient } from './database';

export interface RunTaskInstance {
  id: string;
  task_id: string;
  map_index: number;
  state: string;
  try_number: number;
  last_error: string | null;
}

export async function runTaskInstances(sql: SqlClient, run: RunKey): Promise<RunTaskInstance[]> {
  return sql.query<RunTaskInstance>(
    `SELECT id, task_id, map_index, state, try_number, last_error FROM task_instance WHERE dag_id = $1 AND run_id = $2
     ORDER BY task_id, map_index`,
    [run.dagId, run.runId],
  );
}

export interface RunLogLine {
  id: number;
  task_id: string;
  map_index: number;
  line: string;
}

/** The run's task log lines with an id above `afterId`, oldest first. */
export async function runLogLinesAfter(sql: SqlClient, run: RunKey, afterId: number): Promise<RunLogLine[]> {
  return sql.query<RunLogLine>(
    `SELECT l.id::int AS id, ti.task_id, ti.map_index, l.line FROM task_log l JOIN task_instance ti ON ti.id = l.ti_id
     WHERE ti.dag_id = $1 AND ti.run_id = $2 AND l.id > $3 ORDER BY l.id`,
    [run.dagId, run.runId, afterId],
  );
}

export async function runOutcome(sql: SqlClient, run: RunKey): Promise<{ state: string; failure_reason: string | null } | null> {
  const [r] = await sql.query<{ state: string; failure_reason: string | null }>(
    `SELECT state, failure_reason FROM dag_run WHERE dag_id = $1 AND run_id = $2`,
    [run.dagId, run.runId],
  );
  return r ?? null;
}
