// Assets (Airflow's datasets): a task's outlets record an event when it succeeds and queue every DAG
// scheduled on that asset; a DAG runs once each of its assets has been updated since its last run.
import type { AssetEvent, RunKey } from '../../engine/run-store-port';
import type { SqlClient } from '../database';

export async function recordAssetEvents(sql: SqlClient, events: AssetEvent[], now: Date): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `WITH e AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS e(uri, dag_id, run_id, task_id, map_index)
     ), ins AS (
       INSERT INTO asset_event (uri, source_dag_id, source_run_id, source_task_id, source_map_index, timestamp)
       SELECT uri, dag_id, run_id, task_id, map_index, $6 FROM e
     )
     INSERT INTO asset_dag_run_queue (uri, target_dag_id, created_at)
     SELECT DISTINCT e.uri, d.dag_id, $6::timestamptz FROM e
     JOIN dag d ON d.is_active AND d.serialized->'schedule_assets' ? e.uri
     ON CONFLICT (uri, target_dag_id) DO NOTHING`,
    [events.map((e) => e.uri), events.map((e) => e.dagId), events.map((e) => e.runId), events.map((e) => e.taskId),
      events.map((e) => e.mapIndex), now],
  );
}

/** DAGs (unpaused, active) every one of whose schedule assets has a queued update. */
export async function assetReadyDags(sql: SqlClient): Promise<Array<{ dagId: string; uris: string[] }>> {
  return sql.query<{ dagId: string; uris: string[] }>(
    `SELECT d.dag_id AS "dagId", array_agg(q.uri ORDER BY q.uri) AS uris
     FROM dag d JOIN asset_dag_run_queue q ON q.target_dag_id = d.dag_id
     WHERE d.is_active AND NOT d.is_paused AND jsonb_array_length(d.serialized->'schedule_assets') > 0
     GROUP BY d.dag_id, d.serialized
     HAVING count(*) >= jsonb_array_length(d.serialized->'schedule_assets')
       AND bool_and(d.serialized->'schedule_assets' ? q.uri)`,
  );
}

/** Removes the queued updates a new asset-triggered run consumes; returns false if they were gone. */
export async function consumeAssetQueue(sql: SqlClient, run: RunKey, uris: string[]): Promise<boolean> {
  const rows = await sql.query(
    `DELETE FROM asset_dag_run_queue WHERE target_dag_id = $1 AND uri = ANY($2::text[]) RETURNING uri`,
    [run.dagId, uris],
  );
  return rows.length === uris.length;
}
