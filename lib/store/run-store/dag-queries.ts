// DAG rows as the scheduler reads them, and the next-run bookkeeping it writes.
import type { SerializedDag } from '../../engine/dag-model';
import type { DagRecord } from '../../engine/run-store-port';
import type { NextRunInfo } from '../../engine/schedule';
import type { SqlClient } from '../database';

export async function listActiveDags(sql: SqlClient): Promise<DagRecord[]> {
  return sql.query<DagRecord & { serialized: SerializedDag }>(
    `SELECT dag_id AS "dagId", serialized, version_hash AS "versionHash", is_paused AS "isPaused",
       next_dagrun_create_after AS "nextDagrunCreateAfter",
       next_dagrun_data_interval_start AS "nextDagrunDataIntervalStart",
       next_dagrun_data_interval_end AS "nextDagrunDataIntervalEnd"
     FROM dag WHERE is_active ORDER BY dag_id`,
  );
}

export async function setNextDagrun(sql: SqlClient, dagId: string, next: NextRunInfo | null): Promise<void> {
  await sql.query(
    `UPDATE dag SET next_dagrun = $2, next_dagrun_data_interval_start = $3, next_dagrun_data_interval_end = $4,
       next_dagrun_create_after = $5
     WHERE dag_id = $1`,
    [dagId, next?.logicalDate ?? null, next?.start ?? null, next?.end ?? null, next?.runAfter ?? null],
  );
}
