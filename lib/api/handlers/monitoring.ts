// Import-error and event-log endpoints.
import type { z } from 'zod';
import { NotFoundError } from '../../kernel/errors';
import {
  findEventLog,
  findImportError,
  listEventLogs,
  listImportErrorsPage,
  type EventLogRow,
  type ImportErrorRow,
} from '../../store/api-monitoring';
import type { EndpointInput } from '../contract';
import type { EventLog, EventLogCollection, getEventLogs, getImportErrors, ImportError, ImportErrorCollection } from '../contracts/monitoring';
import { iso, type ApiRuntime } from './shared';

function serializeImportError(e: ImportErrorRow): z.input<typeof ImportError> {
  return { import_error_id: e.id, timestamp: iso(e.timestamp), filename: e.filename, stack_trace: e.stacktrace };
}

export async function listImportErrors(
  rt: ApiRuntime,
  q: EndpointInput<typeof getImportErrors>['query'],
): Promise<z.input<typeof ImportErrorCollection>> {
  const page = await listImportErrorsPage(rt.db.sql, q, q.order_by);
  return { import_errors: page.rows.map(serializeImportError), total_entries: page.total };
}

export async function getImportErrorOne(rt: ApiRuntime, id: number): Promise<z.input<typeof ImportError>> {
  const row = await findImportError(rt.db.sql, id);
  if (!row) throw new NotFoundError(`Import error ${id} not found`);
  return serializeImportError(row);
}

function serializeEventLog(e: EventLogRow): z.input<typeof EventLog> {
  return {
    event_log_id: e.id,
    when: iso(e.dttm),
    dag_id: e.dag_id,
    task_id: e.task_id,
    run_id: e.run_id,
    event: e.event,
    execution_date: iso(e.logical_date),
    owner: e.owner ?? '',
    extra: e.extra,
  };
}

const names = (csv: string | undefined) =>
  csv
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function listEventLogsPage(
  rt: ApiRuntime,
  q: EndpointInput<typeof getEventLogs>['query'],
): Promise<z.input<typeof EventLogCollection>> {
  const page = await listEventLogs(
    rt.db.sql,
    {
      dagId: q.dag_id,
      taskId: q.task_id,
      runId: q.run_id,
      event: q.event,
      owner: q.owner,
      before: q.before,
      after: q.after,
      includedEvents: names(q.included_events),
      excludedEvents: names(q.excluded_events),
    },
    q,
    q.order_by,
  );
  return { event_logs: page.rows.map(serializeEventLog), total_entries: page.total };
}

export async function getEventLogOne(rt: ApiRuntime, id: number): Promise<z.input<typeof EventLog>> {
  const row = await findEventLog(rt.db.sql, id);
  if (!row) throw new NotFoundError(`Event log ${id} not found`);
  return serializeEventLog(row);
}
