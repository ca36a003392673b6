// XCom reads for the REST API and the task-instance page: entries without their values (a value may be up to the
// XCom size limit, so lists never carry it) and one entry with its value.
import type { SqlClient } from './database';
import { pagedQuery, type Page, type PageOf } from './api-paging';

export interface XcomEntryRow {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  key: string;
  timestamp: Date;
  logical_date: Date;
}

export interface XcomRow extends XcomEntryRow {
  value: unknown;
}

const XCOM_COLUMNS = `x.dag_id, x.run_id, x.task_id, x.map_index, x.key, x.timestamp, r.logical_date`;
const XCOM_FROM = `FROM xcom x JOIN dag_run r ON r.dag_id = x.dag_id AND r.run_id = x.run_id`;

export interface XcomFilter {
  /** null: every DAG / run / task (Airflow's `~`). */
  dagId: string | null;
  runId: string | null;
  taskId: string | null;
  mapIndex?: number;
  key?: string;
}

export async function listXcomEntries(sql: SqlClient, f: XcomFilter, page: Page): Promise<PageOf<XcomEntryRow>> {
  return pagedQuery<XcomEntryRow>(
    sql,
    `SELECT ${XCOM_COLUMNS} ${XCOM_FROM}
     WHERE ($1::text IS NULL OR x.dag_id = $1) AND ($2::text IS NULL OR x.run_id = $2)
       AND ($3::text IS NULL OR x.task_id = $3) AND ($4::int IS NULL OR x.map_index = $4)
       AND ($5::text IS NULL OR x.key = $5)`,
    [f.dagId, f.runId, f.taskId, f.mapIndex ?? null, f.key ?? null],
    'dag_id, run_id, task_id, map_index, key',
    page,
  );
}

export async function findXcom(
  sql: SqlClient,
  key: { dagId: string; runId: string; taskId: string; mapIndex: number; key: string },
): Promise<XcomRow | null> {
  const [row] = await sql.query<XcomRow>(
    `SELECT ${XCOM_COLUMNS}, x.value ${XCOM_FROM}
     WHERE x.dag_id = $1 AND x.run_id = $2 AND x.task_id = $3 AND x.map_index = $4 AND x.key = $5`,
    [key.dagId, key.runId, key.taskId, key.mapIndex, key.key],
  );
  return row ?? null;
}
