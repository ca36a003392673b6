// Import errors and event-log entries for the REST API.
import type { SqlClient } from './database';
import { orderClause, pagedQuery, type Ordering, type Page, type PageOf } from './api-paging';

export interface ImportErrorRow {
  id: number;
  filename: string;
  stacktrace: string;
  timestamp: Date;
}

const IMPORT_ERROR_ORDERING: Ordering = {
  columns: { import_error_id: 'id', id: 'id', filename: 'filename', timestamp: 'timestamp' },
  default: 'import_error_id',
  tiebreak: ['id'],
};

export async function listImportErrorsPage(sql: SqlClient, page: Page, orderBy?: string): Promise<PageOf<ImportErrorRow>> {
  return pagedQuery<ImportErrorRow>(
    sql,
    `SELECT id, filename, stacktrace, timestamp FROM import_error`,
    [],
    orderClause(orderBy, IMPORT_ERROR_ORDERING),
    page,
  );
}

export async function findImportError(sql: SqlClient, id: number): Promise<ImportErrorRow | null> {
  const [row] = await sql.query<ImportErrorRow>(`SELECT id, filename, stacktrace, timestamp FROM import_error WHERE id = $1`, [id]);
  return row ?? null;
}

export interface EventLogRow {
  id: number;
  dttm: Date;
  dag_id: string | null;
  task_id: string | null;
  run_id: string | null;
  event: string;
  owner: string | null;
  extra: string | null;
  logical_date: Date | null;
}

const EVENT_SELECT = `
  SELECT l.id, l.dttm, l.dag_id, l.task_id, l.run_id, l.event, l.owner, l.extra, r.logical_date
  FROM log l LEFT JOIN dag_run r ON r.dag_id = l.dag_id AND r.run_id = l.run_id`;

export interface EventLogFilter {
  dagId?: string;
  taskId?: string;
  runId?: string;
  event?: string;
  owner?: string;
  before?: Date;
  after?: Date;
  includedEvents?: string[];
  excludedEvents?: string[];
}

const EVENT_ORDERING: Ordering = {
  columns: {
    event_log_id: 'id',
    id: 'id',
    when: 'dttm',
    dttm: 'dttm',
    dag_id: 'dag_id',
    task_id: 'task_id',
    run_id: 'run_id',
    event: 'event',
    owner: 'owner',
    execution_date: 'logical_date',
  },
  default: 'event_log_id',
  tiebreak: ['id'],
};

export async function listEventLogs(sql: SqlClient, f: EventLogFilter, page: Page, orderBy?: string): Promise<PageOf<EventLogRow>> {
  return pagedQuery<EventLogRow>(
    sql,
    `${EVENT_SELECT}
     WHERE ($1::text IS NULL OR l.dag_id = $1) AND ($2::text IS NULL OR l.task_id = $2)
       AND ($3::text IS NULL OR l.run_id = $3) AND ($4::text IS NULL OR l.event = $4)
       AND ($5::text IS NULL OR l.owner = $5)
       AND ($6::timestamptz IS NULL OR l.dttm < $6) AND ($7::timestamptz IS NULL OR l.dttm > $7)
       AND ($8::text[] IS NULL OR l.event = ANY($8::text[]))
       AND ($9::text[] IS NULL OR NOT (l.event = ANY($9::text[])))`,
    [f.dagId ?? null, f.taskId ?? null, f.runId ?? null, f.event ?? null, f.owner ?? null, f.before ?? null,
      f.after ?? null, f.includedEvents?.length ? f.includedEvents : null, f.excludedEvents?.length ? f.excludedEvents : null],
    orderClause(orderBy, EVENT_ORDERING),
    page,
  );
}

export async function findEventLog(sql: SqlClient, id: number): Promise<EventLogRow | null> {
  const [row] = await sql.query<EventLogRow>(`${EVENT_SELECT} WHERE l.id = $1`, [id]);
  return row ?? null;
}
