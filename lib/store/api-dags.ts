// Reads of the `dag` table for the REST API and the DAG views: a filtered page of DAGs, one DAG with its
// definition, and every active DAG's definition.
import type { SerializedDag } from '../engine/dag-model';
import type { SqlClient } from './database';
import { orderClause, pagedQuery, type Ordering, type Page, type PageOf } from './api-paging';

export interface DagRow {
  dag_id: string;
  fileloc: string;
  is_paused: boolean;
  is_active: boolean;
  schedule: string | null;
  schedule_assets: string[];
  description: string | null;
  tags: string[];
  owners: string[];
  max_active_runs: number;
  max_active_tasks: number;
  next_dagrun: Date | null;
  next_dagrun_data_interval_start: Date | null;
  next_dagrun_data_interval_end: Date | null;
  next_dagrun_create_after: Date | null;
  last_parsed_time: Date | null;
  has_import_errors: boolean;
}

export interface DagDetailRow extends DagRow {
  serialized: SerializedDag;
}

const DAG_SELECT = `
  SELECT d.dag_id, d.fileloc, d.is_paused, d.is_active, d.schedule,
    coalesce(d.serialized -> 'schedule_assets', '[]'::jsonb) AS schedule_assets,
    d.description, d.tags, d.owners, d.max_active_runs, d.max_active_tasks, d.next_dagrun,
    d.next_dagrun_data_interval_start, d.next_dagrun_data_interval_end, d.next_dagrun_create_after, d.last_parsed_time,
    EXISTS (SELECT 1 FROM import_error e WHERE e.filename = d.fileloc) AS has_import_errors`;

export interface DagFilter {
  /** Substring of the dag_id, case-insensitive (Airflow's `ILIKE %pattern%`). */
  dagIdPattern?: string;
  onlyActive: boolean;
  paused?: boolean;
  /** DAGs with any of these tags. */
  tags?: string[];
}

const DAG_ORDERING: Ordering = {
  columns: {
    dag_id: 'dag_id',
    dag_display_name: 'dag_id',
    fileloc: 'fileloc',
    is_paused: 'is_paused',
    is_active: 'is_active',
    last_parsed_time: 'last_parsed_time',
    next_dagrun: 'next_dagrun',
    max_active_runs: 'max_active_runs',
    max_active_tasks: 'max_active_tasks',
  },
  default: 'dag_id',
  tiebreak: ['dag_id'],
};

export async function listDags(sql: SqlClient, filter: DagFilter, page: Page, orderBy?: string): Promise<PageOf<DagRow>> {
  return pagedQuery<DagRow>(
    sql,
    `${DAG_SELECT} FROM dag d
     WHERE (NOT $1::boolean OR d.is_active)
       AND ($2::boolean IS NULL OR d.is_paused = $2)
       AND ($3::text IS NULL OR d.dag_id ILIKE '%' || $3 || '%')
       AND ($4::text[] IS NULL OR d.tags ?| $4::text[])`,
    [filter.onlyActive, filter.paused ?? null, filter.dagIdPattern ?? null, filter.tags?.length ? filter.tags : null],
    orderClause(orderBy, DAG_ORDERING),
    page,
  );
}

/** A DAG whatever its state (Airflow's GET /dags/{id} answers for inactive DAGs too), or null. */
export async function findDag(sql: SqlClient, dagId: string): Promise<DagDetailRow | null> {
  const [row] = await sql.query<DagDetailRow>(`${DAG_SELECT}, d.serialized FROM dag d WHERE d.dag_id = $1`, [dagId]);
  return row ?? null;
}

export async function dagExists(sql: SqlClient, dagId: string): Promise<boolean> {
  const [row] = await sql.query(`SELECT 1 FROM dag WHERE dag_id = $1`, [dagId]);
  return row !== undefined;
}

/** The definitions of the DAGs the workflows folder defines now, by dag_id (the DAG-dependencies graph). */
export async function listActiveDagDefinitions(sql: SqlClient): Promise<SerializedDag[]> {
  const rows = await sql.query<{ serialized: SerializedDag }>(`SELECT serialized FROM dag WHERE is_active ORDER BY dag_id`);
  return rows.map((r) => r.serialized);
}
