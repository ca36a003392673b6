// Import errors, the event log, health and version, in Airflow's shapes.
import { z } from 'zod';
import { endpoint } from '../contract';
import { collection, DateTime, DateTimeParam, NullableDateTime, OrderBy, Paging, PathInt } from './common';

export const ImportError = z
  .object({ import_error_id: z.number().int(), timestamp: DateTime, filename: z.string(), stack_trace: z.string() })
  .meta({ id: 'ImportError' });

export const ImportErrorCollection = collection('import_errors', ImportError, 'ImportErrorCollection');

export const EventLog = z
  .object({
    event_log_id: z.number().int(),
    when: DateTime,
    dag_id: z.string().nullable(),
    task_id: z.string().nullable(),
    run_id: z.string().nullable(),
    event: z.string(),
    execution_date: NullableDateTime,
    owner: z.string(),
    extra: z.string().nullable(),
  })
  .meta({ id: 'EventLog' });

export const EventLogCollection = collection('event_logs', EventLog, 'EventLogCollection');

export const HealthStatus = z.enum(['healthy', 'unhealthy']).meta({ id: 'HealthStatus' });

export const HealthInfo = z
  .object({
    metadatabase: z.object({ status: HealthStatus }).meta({ id: 'MetadatabaseStatus' }),
    scheduler: z
      .object({ status: HealthStatus, latest_scheduler_heartbeat: NullableDateTime })
      .meta({ id: 'SchedulerStatus' }),
    // Null status: the component does not run (Flashflow has no triggerer), as Airflow reports one never started.
    triggerer: z
      .object({ status: HealthStatus.nullable(), latest_triggerer_heartbeat: NullableDateTime })
      .meta({ id: 'TriggererStatus' }),
    dag_processor: z
      .object({ status: HealthStatus.nullable(), latest_dag_processor_heartbeat: NullableDateTime })
      .meta({ id: 'DagProcessorStatus' }),
  })
  .meta({ id: 'HealthInfo' });

export const VersionInfo = z.object({ version: z.string(), git_version: z.string().nullable() }).meta({ id: 'VersionInfo' });

export const getImportErrors = endpoint({
  method: 'GET',
  path: '/importErrors',
  operationId: 'get_import_errors',
  tag: 'ImportError',
  summary: 'List import errors (DAG files that failed to load)',
  params: z.object({}),
  query: z.object({ ...Paging, ...OrderBy }),
  response: ImportErrorCollection,
  errors: [400],
});

export const getImportError = endpoint({
  method: 'GET',
  path: '/importErrors/{import_error_id}',
  operationId: 'get_import_error',
  tag: 'ImportError',
  summary: 'Get an import error',
  params: z.object({ import_error_id: PathInt }),
  response: ImportError,
  errors: [400, 404],
});

const csv = z.string().optional();

export const getEventLogs = endpoint({
  method: 'GET',
  path: '/eventLogs',
  operationId: 'get_event_logs',
  tag: 'EventLog',
  summary: 'List event log entries (actions taken through the API, CLI and UI)',
  params: z.object({}),
  query: z.object({
    ...Paging,
    ...OrderBy,
    dag_id: z.string().optional(),
    task_id: z.string().optional(),
    run_id: z.string().optional(),
    event: z.string().optional(),
    owner: z.string().optional(),
    before: DateTimeParam.optional().meta({ format: 'date-time', description: 'Only entries before this.' }),
    after: DateTimeParam.optional().meta({ format: 'date-time', description: 'Only entries after this.' }),
    included_events: csv.meta({ description: 'Comma-separated event names to keep.' }),
    excluded_events: csv.meta({ description: 'Comma-separated event names to leave out.' }),
  }),
  response: EventLogCollection,
  errors: [400],
});

export const getEventLog = endpoint({
  method: 'GET',
  path: '/eventLogs/{event_log_id}',
  operationId: 'get_event_log',
  tag: 'EventLog',
  summary: 'Get an event log entry',
  params: z.object({ event_log_id: PathInt }),
  response: EventLog,
  errors: [400, 404],
});

/** Served by app/api/v1/health (lib/ops/health.ts); described here for the OpenAPI document. */
export const getHealth = endpoint({
  method: 'GET',
  path: '/health',
  operationId: 'get_health',
  tag: 'Monitoring',
  summary: 'Get instance status',
  params: z.object({}),
  response: HealthInfo,
  errors: [],
});

/** Served by app/api/v1/version (lib/ops/version.ts); described here for the OpenAPI document. */
export const getVersion = endpoint({
  method: 'GET',
  path: '/version',
  operationId: 'get_version',
  tag: 'Monitoring',
  summary: 'Get version information',
  params: z.object({}),
  response: VersionInfo,
  errors: [],
});

export const monitoringEndpoints = [getImportErrors, getImportError, getEventLogs, getEventLog, getHealth, getVersion];
