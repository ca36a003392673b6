// What the DAG list shows beside the API's DAG rows: the states of each DAG's latest runs and its params schema
// (for the trigger form), for a whole page of DAGs in one query.
import type { SqlClient } from './database';

export interface RecentRun {
  run_id: string;
  state: string;
  logical_date: string;
}

export interface DagListExtras {
  /** Newest first. */
  recentRuns: RecentRun[];
  paramsSchema: Record<string, unknown> | null;
}

export async function loadDagListExtras(sql: SqlClient, dagIds: string[], runsPerDag = 8): Promise<Map<string, DagListExtras>> {
  if (dagIds.length === 0) return new Map();
  const rows = await sql.query<{ dag_id: string; params_schema: Record<string, unknown> | null; recent: RecentRun[] }>(
    `SELECT d.dag_id, d.serialized -> 'params_schema' AS params_schema,
       coalesce((SELECT jsonb_agg(jsonb_build_object('run_id', r.run_id, 'state', r.state, 'logical_date', r.logical_date)
                                  ORDER BY r.logical_date DESC, r.id DESC)
                 FROM (SELECT run_id, state, logical_date, id FROM dag_run
                       WHERE dag_id = d.dag_id ORDER BY logical_date DESC, id DESC LIMIT $2) r), '[]'::jsonb) AS recent
     FROM dag d WHERE d.dag_id = ANY($1::text[])`,
    [dagIds, runsPerDag],
  );
  return new Map(rows.map((r) => [r.dag_id, { recentRuns: r.recent, paramsSchema: r.params_schema ?? null }]));
}
