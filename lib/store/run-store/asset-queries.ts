// Assets (Airflow's datasets): a task's outlets record an event when it succeeds and queue every DAG
// scheduled on that asset; a DAG runs once each of its assets has been updated since its last run. The event
// carries the producer's result as its `extra` (when that is an object), and the run it triggers is linked to
// every event it consumed, so that run can read them and its page can point back to their runs.
import type { AssetEvent, RunKey } from '../../engine/run-store-port';
import type { SqlClient } from '../database';

export async function recordAssetEvents(sql: SqlClient, events: AssetEvent[], now: Date): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `WITH e AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $7::jsonb[])
         AS e(uri, dag_id, run_id, task_id, map_index, extra)
     ), ins AS (
       INSERT INTO asset_event (uri, source_dag_id, source_run_id, source_task_id, source_map_index, extra, timestamp)
       SELECT uri, dag_id, run_id, task_id, map_index, extra, $6 FROM e
     )
     INSERT INTO asset_dag_run_queue (uri, target_dag_id, created_at)
     SELECT DISTINCT e.uri, d.dag_id, $6::timestamptz FROM e
     JOIN dag d ON d.is_active AND d.serialized->'schedule_assets' ? e.uri
     ON CONFLICT (uri, target_dag_id) DO NOTHING`,
    [events.map((e) => e.uri), events.map((e) => e.dagId), events.map((e) => e.runId), events.map((e) => e.taskId),
      events.map((e) => e.mapIndex), now, events.map((e) => JSON.stringify(e.extra))],
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

export interface ConsumedUpdate {
  uri: string;
  /** When the first update of this asset since the DAG's last asset-triggered run was queued. */
  queuedAt: Date;
}

/** Removes the queued updates a new asset-triggered run consumes; null if any of them was gone. */
export async function consumeAssetQueue(sql: SqlClient, run: RunKey, uris: string[]): Promise<ConsumedUpdate[] | null> {
  const rows = await sql.query<ConsumedUpdate>(
    `DELETE FROM asset_dag_run_queue WHERE target_dag_id = $1 AND uri = ANY($2::text[]) RETURNING uri, created_at AS "queuedAt"`,
    [run.dagId, uris],
  );
  return rows.length === uris.length ? rows : null;
}

/**
 * Links a new asset-triggered run to the events it consumed: for each asset, those since its update was queued
 * that no earlier run of the same DAG consumed (a fake clock can stamp two events with one instant). Run in the
 * transaction that creates the run.
 */
export async function linkConsumedEvents(sql: SqlClient, dagRunId: number, dagId: string, consumed: ConsumedUpdate[]): Promise<void> {
  await sql.query(
    `INSERT INTO dag_run_asset_event (dag_run_id, event_id)
     SELECT $1, e.id FROM unnest($3::text[], $4::timestamptz[]) AS q(uri, queued_at)
     JOIN asset_event e ON e.uri = q.uri AND e.timestamp >= q.queued_at
     WHERE NOT EXISTS (
       SELECT 1 FROM dag_run_asset_event l JOIN dag_run r ON r.id = l.dag_run_id
       WHERE l.event_id = e.id AND r.dag_id = $2 AND r.id <> $1)`,
    [dagRunId, dagId, consumed.map((c) => c.uri), consumed.map((c) => c.queuedAt)],
  );
}
