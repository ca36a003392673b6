// Task-instance reads for the REST API (with their run's logical date), and a try's log lines page by page.
import type { SqlClient } from './database';
import type { TimeRange } from './api-dag-runs';
import { orderClause, pagedQuery, type Ordering, type Page, type PageOf } from './api-paging';

export interface TaskInstanceRow {
  id: string;
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  state: string;
  try_number: number;
  max_tries: number;
  operator: string;
  pool: string;
  pool_slots: number;
  /** The task queue (ADR 0028). */
  queue: string;
  priority_weight: number;
  queued_at: Date | null;
  start_date: Date | null;
  end_date: Date | null;
  duration: number | null;
  hostname: string | null;
  pid: number | null;
  note: string | null;
  logical_date: Date;
}

const TI_SELECT = `
  SELECT ti.id, ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.state, ti.try_number, ti.max_tries, ti.operator,
    ti.pool, ti.pool_slots, ti.queue, ti.priority_weight, ti.queued_at, ti.start_date, ti.end_date, ti.duration, ti.hostname,
    ti.pid, ti.note, r.logical_date
  FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id`;

export interface TaskInstanceFilter {
  /** null: every DAG / every run (Airflow's `~`). */
  dagId: string | null;
  runId: string | null;
  /** One task's mapped instances (map_index ≥ 0), for listMapped. */
  mappedTaskId?: string;
  states?: string[];
  pools?: string[];
  queues?: string[];
  logicalDate?: TimeRange;
  startDate?: TimeRange;
  endDate?: TimeRange;
  duration?: { gte?: number; lte?: number };
}

const TI_ORDERING: Ordering = {
  columns: {
    map_index: 'map_index',
    task_id: 'task_id',
    state: 'state',
    try_number: 'try_number',
    start_date: 'start_date',
    end_date: 'end_date',
    duration: 'duration',
    pool: 'pool',
    priority_weight: 'priority_weight',
    execution_date: 'logical_date',
  },
  default: 'map_index',
  tiebreak: ['dag_id', 'run_id', 'task_id', 'map_index'],
};

export async function listTaskInstances(
  sql: SqlClient,
  f: TaskInstanceFilter,
  page: Page,
  orderBy?: string,
): Promise<PageOf<TaskInstanceRow>> {
  const order = f.mappedTaskId !== undefined ? orderClause(orderBy, TI_ORDERING) : 'dag_id, run_id, task_id, map_index';
  return pagedQuery<TaskInstanceRow>(
    sql,
    `${TI_SELECT}
     WHERE ($1::text IS NULL OR ti.dag_id = $1) AND ($2::text IS NULL OR ti.run_id = $2)
       AND ($3::text IS NULL OR (ti.task_id = $3 AND ti.map_index >= 0))
       AND ($4::text[] IS NULL OR ti.state = ANY($4::text[]))
       AND ($5::text[] IS NULL OR ti.pool = ANY($5::text[]))
       AND ($6::timestamptz IS NULL OR r.logical_date >= $6) AND ($7::timestamptz IS NULL OR r.logical_date <= $7)
       AND ($8::timestamptz IS NULL OR ti.start_date >= $8) AND ($9::timestamptz IS NULL OR ti.start_date <= $9)
       AND ($10::timestamptz IS NULL OR ti.end_date >= $10) AND ($11::timestamptz IS NULL OR ti.end_date <= $11)
       AND ($12::float8 IS NULL OR ti.duration >= $12) AND ($13::float8 IS NULL OR ti.duration <= $13)
       AND ($14::text[] IS NULL OR ti.queue = ANY($14::text[]))`,
    [f.dagId, f.runId, f.mappedTaskId ?? null, f.states?.length ? f.states : null, f.pools?.length ? f.pools : null,
      f.logicalDate?.gte ?? null, f.logicalDate?.lte ?? null, f.startDate?.gte ?? null, f.startDate?.lte ?? null,
      f.endDate?.gte ?? null, f.endDate?.lte ?? null, f.duration?.gte ?? null, f.duration?.lte ?? null, f.queues?.length ? f.queues : null],
    order,
    page,
  );
}

export async function findTaskInstance(
  sql: SqlClient,
  key: { dagId: string; runId: string; taskId: string; mapIndex: number },
): Promise<TaskInstanceRow | null> {
  const [row] = await sql.query<TaskInstanceRow>(
    `${TI_SELECT} WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = $3 AND ti.map_index = $4`,
    [key.dagId, key.runId, key.taskId, key.mapIndex],
  );
  return row ?? null;
}

export interface LogLineRow {
  id: number;
  stream: string;
  line: string;
  at: Date;
}

/**
 * Lines of one try after line id `afterId`, oldest first: at most `limit` lines and, past the first line, at most
 * `maxBytes` of them, counted in the database so a long log is never read whole to cut one page from it.
 */
export async function readLogLines(
  sql: SqlClient,
  tiId: string,
  tryNumber: number,
  afterId: number,
  limit: number,
  maxBytes: number,
): Promise<LogLineRow[]> {
  return sql.query<LogLineRow>(
    `SELECT id, stream, line, at FROM (
       SELECT id, stream, line, at, sum(octet_length(line) + 1) OVER (ORDER BY id) AS upto, row_number() OVER (ORDER BY id) AS n
       FROM task_log WHERE ti_id = $1 AND try_number = $2 AND id > $3 ORDER BY id LIMIT $4
     ) page
     WHERE n = 1 OR upto <= $5 ORDER BY id`,
    [tiId, tryNumber, afterId, limit, maxBytes],
  );
}
