// DAG-level reads and actions shared by the CLI and the API: list, pause/unpause, import errors.
import { NotFoundError } from '../kernel/errors';
import type { SqlClient } from './database';

export interface DagSummary {
  dag_id: string;
  fileloc: string;
  schedule: string | null;
  is_paused: boolean;
  is_active: boolean;
  next_dagrun: Date | null;
  tags: string[];
  owners: string[];
}

export async function listDagSummaries(sql: SqlClient): Promise<DagSummary[]> {
  return sql.query<DagSummary>(
    `SELECT dag_id, fileloc, schedule, is_paused, is_active, next_dagrun, tags, owners
     FROM dag WHERE is_active ORDER BY dag_id`,
  );
}

export async function listImportErrors(sql: SqlClient): Promise<Array<{ filename: string; stacktrace: string; timestamp: Date }>> {
  return sql.query(`SELECT filename, stacktrace, timestamp FROM import_error ORDER BY filename`);
}

/** Whether the DAG is paused; null when no active DAG has this id. */
export async function isDagPaused(sql: SqlClient, dagId: string): Promise<boolean | null> {
  const [dag] = await sql.query<{ is_paused: boolean }>(`SELECT is_paused FROM dag WHERE dag_id = $1 AND is_active`, [dagId]);
  return dag ? dag.is_paused : null;
}

export async function setPaused(sql: SqlClient, dagId: string, paused: boolean): Promise<{ dag_id: string; is_paused: boolean }> {
  const rows = await sql.query<{ dag_id: string; is_paused: boolean }>(
    `UPDATE dag SET is_paused = $2, updated_at = now() WHERE dag_id = $1 AND is_active RETURNING dag_id, is_paused`,
    [dagId, paused],
  );
  if (!rows[0]) throw new NotFoundError(`DAG '${dagId}' not found`);
  return rows[0];
}
