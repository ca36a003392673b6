// DAG-run reads for the REST API, the run selection of clear/mark actions, and deleting a run.
import { OCCUPYING_STATES } from '../engine/task-states';
import type { SqlClient } from './database';
import { sqlStates } from './sql-states';
import { orderClause, pagedQuery, type Ordering, type Page, type PageOf } from './api-paging';

export interface DagRunRow {
  id: number;
  dag_id: string;
  run_id: string;
  run_type: string;
  state: string;
  logical_date: Date;
  data_interval_start: Date;
  data_interval_end: Date;
  conf: Record<string, unknown>;
  start_date: Date | null;
  end_date: Date | null;
  external_trigger: boolean;
  note: string | null;
  last_scheduling_decision: Date | null;
}

const RUN_SELECT = `
  SELECT r.id, r.dag_id, r.run_id, r.run_type, r.state, r.logical_date, r.data_interval_start, r.data_interval_end,
    r.conf, r.start_date, r.end_date, r.external_trigger, r.note, r.last_scheduling_decision
  FROM dag_run r`;

export interface TimeRange {
  gte?: Date;
  lte?: Date;
}

export interface DagRunFilter {
  /** null: the runs of every DAG (Airflow's `~`). */
  dagId: string | null;
  states?: string[];
  logicalDate?: TimeRange;
  startDate?: TimeRange;
  endDate?: TimeRange;
}

const RUN_ORDERING: Ordering = {
  columns: {
    id: 'id',
    dag_id: 'dag_id',
    dag_run_id: 'run_id',
    run_id: 'run_id',
    state: 'state',
    run_type: 'run_type',
    logical_date: 'logical_date',
    execution_date: 'logical_date',
    start_date: 'start_date',
    end_date: 'end_date',
    data_interval_start: 'data_interval_start',
    data_interval_end: 'data_interval_end',
    external_trigger: 'external_trigger',
  },
  default: 'id',
  tiebreak: ['id'],
};

export async function listDagRuns(sql: SqlClient, f: DagRunFilter, page: Page, orderBy?: string): Promise<PageOf<DagRunRow>> {
  return pagedQuery<DagRunRow>(
    sql,
    `${RUN_SELECT}
     WHERE ($1::text IS NULL OR r.dag_id = $1)
       AND ($2::text[] IS NULL OR r.state = ANY($2::text[]))
       AND ($3::timestamptz IS NULL OR r.logical_date >= $3) AND ($4::timestamptz IS NULL OR r.logical_date <= $4)
       AND ($5::timestamptz IS NULL OR r.start_date >= $5) AND ($6::timestamptz IS NULL OR r.start_date <= $6)
       AND ($7::timestamptz IS NULL OR r.end_date >= $7) AND ($8::timestamptz IS NULL OR r.end_date <= $8)`,
    [f.dagId, f.states?.length ? f.states : null, f.logicalDate?.gte ?? null, f.logicalDate?.lte ?? null,
      f.startDate?.gte ?? null, f.startDate?.lte ?? null, f.endDate?.gte ?? null, f.endDate?.lte ?? null],
    orderClause(orderBy, RUN_ORDERING),
    page,
  );
}

export async function findDagRun(sql: SqlClient, dagId: string, runId: string): Promise<DagRunRow | null> {
  const [row] = await sql.query<DagRunRow>(`${RUN_SELECT} WHERE r.dag_id = $1 AND r.run_id = $2`, [dagId, runId]);
  return row ?? null;
}

/** Logical dates of runs, for Airflow's TaskInstanceReference.execution_date. */
export async function runLogicalDates(sql: SqlClient, dagId: string, runIds: string[]): Promise<Map<string, Date>> {
  if (runIds.length === 0) return new Map();
  const rows = await sql.query<{ run_id: string; logical_date: Date }>(
    `SELECT run_id, logical_date FROM dag_run WHERE dag_id = $1 AND run_id = ANY($2::text[])`,
    [dagId, [...new Set(runIds)]],
  );
  return new Map(rows.map((r) => [r.run_id, r.logical_date]));
}

export interface RunSelection {
  dagId: string;
  runId?: string | null;
  logicalDate?: Date | null;
  /** Logical-date bounds (clear's start_date / end_date). */
  range?: TimeRange;
  /** Also the runs before / after the selected run's logical date (Airflow's include_past / include_future). */
  includePast?: boolean;
  includeFuture?: boolean;
}

/**
 * The run ids an action applies to, oldest first. With a run (by id or logical date) and neither include_past nor
 * include_future: that run only; include_past/include_future widen to the runs before/after it. Without a run:
 * every run within `range`.
 */
export async function selectRunIds(sql: SqlClient, s: RunSelection): Promise<string[]> {
  const rows = await sql.query<{ run_id: string }>(
    `WITH anchor AS (
       SELECT logical_date FROM dag_run
       WHERE dag_id = $1 AND (($2::text IS NOT NULL AND run_id = $2) OR ($3::timestamptz IS NOT NULL AND logical_date = $3))
       ORDER BY id LIMIT 1)
     SELECT r.run_id FROM dag_run r
     WHERE r.dag_id = $1
       AND ($4::timestamptz IS NULL OR r.logical_date >= $4) AND ($5::timestamptz IS NULL OR r.logical_date <= $5)
       AND (($2::text IS NULL AND $3::timestamptz IS NULL)
         OR r.run_id = $2 OR r.logical_date = $3
         OR ($6 AND r.logical_date <= (SELECT logical_date FROM anchor))
         OR ($7 AND r.logical_date >= (SELECT logical_date FROM anchor)))
     ORDER BY r.logical_date, r.id`,
    [s.dagId, s.runId ?? null, s.logicalDate ?? null, s.range?.gte ?? null, s.range?.lte ?? null,
      s.includePast ?? false, s.includeFuture ?? false],
  );
  return rows.map((r) => r.run_id);
}

export type DeleteRunOutcome = 'deleted' | 'not_found' | 'busy';

/**
 * Deletes a run with its task instances, logs and XComs (foreign keys cascade). Refused while a try is queued or
 * running: the executor would report on a task instance that no longer exists.
 */
export async function deleteDagRun(sql: SqlClient, dagId: string, runId: string): Promise<DeleteRunOutcome> {
  return sql.transaction(async (tx) => {
    const [run] = await tx.query<{ id: number }>(
      `SELECT id FROM dag_run WHERE dag_id = $1 AND run_id = $2 FOR UPDATE`,
      [dagId, runId],
    );
    if (!run) return 'not_found';
    const deleted = await tx.query(
      `DELETE FROM dag_run r WHERE r.id = $1
         AND NOT EXISTS (SELECT 1 FROM task_instance ti
                         WHERE ti.dag_id = $2 AND ti.run_id = $3 AND ti.state IN ${sqlStates(OCCUPYING_STATES)})
       RETURNING r.id`,
      [run.id, dagId, runId],
    );
    return deleted.length > 0 ? 'deleted' : 'busy';
  });
}
