// Reads of assets (Airflow's datasets) for the REST API and the assets page. Flashflow keeps no asset table: an
// asset is a URI that an active DAG's task lists in its outlets, that an active DAG is scheduled on, or that has
// events. Producers and consumers come from the DAGs' serialized definitions, events from asset_event, and the
// runs an event triggered from dag_run_asset_event.
import type { SqlClient } from './database';
import { orderClause, pagedQuery, type Ordering, type Page, type PageOf } from './api-paging';

export interface AssetReference {
  dag_id: string;
  /** The DAG's times: a reference is as old as its DAG and changes with it. */
  created_at: Date;
  updated_at: Date;
}

export interface AssetRow {
  uri: string;
  /** The earliest of its references' and first event's times. */
  created_at: Date;
  /** The latest of its references' and last event's times. */
  updated_at: Date;
  event_count: number;
  last_event_at: Date | null;
  producing_tasks: Array<AssetReference & { task_id: string }>;
  consuming_dags: AssetReference[];
}

/** One row per task outlet (task_id set) and per DAG scheduled on the asset (task_id null), of active DAGs. */
const REFERENCES = `
  SELECT o.uri, d.dag_id, t ->> 'task_id' AS task_id, d.created_at, d.updated_at
  FROM dag d
  CROSS JOIN jsonb_array_elements(d.serialized -> 'tasks') t
  CROSS JOIN jsonb_array_elements_text(coalesce(t -> 'outlets', '[]'::jsonb)) o(uri)
  WHERE d.is_active
  UNION ALL
  SELECT s.uri, d.dag_id, NULL, d.created_at, d.updated_at
  FROM dag d CROSS JOIN jsonb_array_elements_text(coalesce(d.serialized -> 'schedule_assets', '[]'::jsonb)) s(uri)
  WHERE d.is_active`;

const ASSETS = `
  WITH refs AS (${REFERENCES}),
  events AS (SELECT uri, count(*)::int AS n, min(timestamp) AS first_at, max(timestamp) AS last_at FROM asset_event GROUP BY uri),
  uris AS (SELECT uri FROM refs UNION SELECT uri FROM events)
  SELECT u.uri,
    least(e.first_at, (SELECT min(created_at) FROM refs r WHERE r.uri = u.uri)) AS created_at,
    greatest(e.last_at, (SELECT max(updated_at) FROM refs r WHERE r.uri = u.uri)) AS updated_at,
    coalesce(e.n, 0) AS event_count, e.last_at AS last_event_at,
    coalesce((SELECT array_agg(DISTINCT r.dag_id) FROM refs r WHERE r.uri = u.uri), '{}') AS dag_ids
  FROM uris u LEFT JOIN events e ON e.uri = u.uri`;

const ASSET_ORDERING: Ordering = {
  // Airflow's default order is by id; with no ids, URI order is the stable equivalent.
  columns: { id: 'uri', uri: 'uri', created_at: 'created_at', updated_at: 'updated_at' },
  default: 'uri',
  tiebreak: ['uri'],
};

export interface AssetFilter {
  /** This asset only. */
  uri?: string;
  /** Substring of the URI, case-insensitive (Airflow's `ILIKE %pattern%`). */
  uriPattern?: string;
  /** Only assets one of these DAGs produces or consumes. */
  dagIds?: string[];
}

export async function listAssets(sql: SqlClient, f: AssetFilter, page: Page, orderBy?: string): Promise<PageOf<AssetRow>> {
  const assets = await pagedQuery<Omit<AssetRow, 'producing_tasks' | 'consuming_dags'>>(
    sql,
    `SELECT uri, created_at, updated_at, event_count, last_event_at FROM (${ASSETS}) a
     WHERE ($1::text IS NULL OR a.uri ILIKE '%' || $1 || '%') AND ($2::text[] IS NULL OR a.dag_ids && $2::text[])
       AND ($3::text IS NULL OR a.uri = $3)`,
    [f.uriPattern ?? null, f.dagIds?.length ? f.dagIds : null, f.uri ?? null],
    orderClause(orderBy, ASSET_ORDERING),
    page,
  );
  const refs = await sql.query<AssetReference & { uri: string; task_id: string | null }>(
    `SELECT * FROM (${REFERENCES}) r WHERE r.uri = ANY($1::text[]) ORDER BY r.dag_id, r.task_id`,
    [assets.rows.map((a) => a.uri)],
  );
  const rows = assets.rows.map((a) => {
    const mine = refs.filter((r) => r.uri === a.uri);
    return {
      ...a,
      producing_tasks: mine.flatMap(({ dag_id, task_id, created_at, updated_at }) => (task_id === null ? [] : [{ dag_id, task_id, created_at, updated_at }])),
      consuming_dags: mine.flatMap(({ dag_id, task_id, created_at, updated_at }) => (task_id === null ? [{ dag_id, created_at, updated_at }] : [])),
    };
  });
  return { rows, total: assets.total };
}

export interface TriggeredRun {
  dag_id: string;
  run_id: string;
  state: string;
  logical_date: Date;
  start_date: Date | null;
  end_date: Date | null;
  data_interval_start: Date;
  data_interval_end: Date;
}

export interface AssetEventRow {
  id: number;
  uri: string;
  extra: Record<string, unknown>;
  source_dag_id: string | null;
  source_run_id: string | null;
  source_task_id: string | null;
  source_map_index: number;
  timestamp: Date;
  /** The asset-triggered runs that consumed this event. */
  created_dagruns: TriggeredRun[];
}

export interface AssetEventFilter {
  uri?: string;
  sourceDagId?: string;
  sourceTaskId?: string;
  sourceRunId?: string;
  sourceMapIndex?: number;
  /** Only the events this run consumed (Airflow's upstreamDatasetEvents). */
  consumedBy?: { dagId: string; runId: string };
}

const EVENT_ORDERING: Ordering = {
  columns: {
    timestamp: 'timestamp',
    source_dag_id: 'source_dag_id',
    source_task_id: 'source_task_id',
    source_run_id: 'source_run_id',
    source_map_index: 'source_map_index',
    dataset_uri: 'uri',
  },
  default: 'timestamp',
  tiebreak: ['id'],
};

export async function listAssetEvents(sql: SqlClient, f: AssetEventFilter, page: Page, orderBy?: string): Promise<PageOf<AssetEventRow>> {
  const events = await pagedQuery<Omit<AssetEventRow, 'created_dagruns'>>(
    sql,
    `SELECT e.id, e.uri, e.extra, e.source_dag_id, e.source_run_id, e.source_task_id, e.source_map_index, e.timestamp
     FROM asset_event e
     WHERE ($1::text IS NULL OR e.uri = $1)
       AND ($2::text IS NULL OR e.source_dag_id = $2) AND ($3::text IS NULL OR e.source_task_id = $3)
       AND ($4::text IS NULL OR e.source_run_id = $4) AND ($5::int IS NULL OR e.source_map_index = $5)
       AND ($6::text IS NULL OR EXISTS (
         SELECT 1 FROM dag_run_asset_event l JOIN dag_run r ON r.id = l.dag_run_id
         WHERE l.event_id = e.id AND r.dag_id = $6 AND r.run_id = $7))`,
    [f.uri ?? null, f.sourceDagId ?? null, f.sourceTaskId ?? null, f.sourceRunId ?? null, f.sourceMapIndex ?? null,
      f.consumedBy?.dagId ?? null, f.consumedBy?.runId ?? null],
    orderClause(orderBy, EVENT_ORDERING),
    page,
  );
  const runs = await sql.query<TriggeredRun & { event_id: number }>(
    `SELECT l.event_id, r.dag_id, r.run_id, r.state, r.logical_date, r.start_date, r.end_date, r.data_interval_start,
       r.data_interval_end
     FROM dag_run_asset_event l JOIN dag_run r ON r.id = l.dag_run_id
     WHERE l.event_id = ANY($1::int[]) ORDER BY r.id`,
    [events.rows.map((e) => e.id)],
  );
  const rows = events.rows.map((e) => ({
    ...e,
    created_dagruns: runs.filter((r) => r.event_id === e.id).map(({ event_id: _, ...run }) => run),
  }));
  return { rows, total: events.total };
}
