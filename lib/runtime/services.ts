// Answers the calls task code makes through its ctx (DESIGN.md §1): the only way a task reads or writes
// what the database holds. Domains add their services here (e.g. cards.save for the flashcard DAG).
import type { ServiceHandler, TryIdentity } from '../engine/executor-port';
import { CONNECTIONS_GET, type ConnectionsGetPayload } from '../hooks/hook-context';
import type { Connection, ConnectionSource } from '../store/connections';
import type { SqlClient } from '../store/database';

export type Service = (job: TryIdentity, payload: unknown) => Promise<unknown>;

const readers = new WeakSet<Service>();

/** Marks a service that only reads: it may answer before its try's start is recorded (see `beforeChange`). */
export function readOnly(service: Service): Service {
  readers.add(service);
  return service;
}

export interface ServiceOptions {
  /** Answers `connections.get` (hooks): env connections, then the table, decrypted (store/connections.ts). */
  connections?: ConnectionSource;
  /** Awaited before any service not marked readOnly runs: the scheduler's startRecorded (ADR 0018). */
  beforeChange?: (job: TryIdentity) => Promise<void>;
}

export function createServiceHandler(sql: SqlClient, extra: Record<string, Service> = {}, options: ServiceOptions = {}): ServiceHandler {
  const services: Record<string, Service> = {
    'xcom.pull': readOnly((job, payload) => pullXcom(sql, job, payload as { taskId: string; mapIndex: number | null })),
    [CONNECTIONS_GET]: readOnly((_job, payload) => lookUpConnection(options.connections, payload)),
    ...extra,
  };
  return async (job, method, payload) => {
    const service = services[method];
    if (!service) throw new Error(`unknown service '${method}'; known: ${Object.keys(services).sort().join(', ')}`);
    if (options.beforeChange && !readers.has(service)) await options.beforeChange(job);
    return service(job, payload);
  };
}

/** The connection a hook asked for, secrets in clear (they go to the task that named it), or null when undefined. */
async function lookUpConnection(source: ConnectionSource | undefined, payload: unknown): Promise<Connection | null> {
  if (!source) throw new Error('connections are not available: this process was started without a connection source');
  const connId = (payload as Partial<ConnectionsGetPayload> | null)?.connId;
  if (typeof connId !== 'string') throw new Error(`${CONNECTIONS_GET}: payload must be { connId: string }`);
  return source.get(connId);
}

/** One value for a map index; for `null`, the task's value, or the list of a mapped task's values. */
async function pullXcom(sql: SqlClient, job: TryIdentity, p: { taskId: string; mapIndex: number | null }): Promise<unknown> {
  const rows = await sql.query<{ map_index: number; value: unknown }>(
    `SELECT map_index, value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND key = 'return_value'
       AND ($4::int IS NULL OR map_index = $4::int)
     ORDER BY map_index`,
    [job.dagId, job.runId, p.taskId, p.mapIndex],
  );
  if (p.mapIndex !== null) return rows[0]?.value ?? null;
  if (rows.length === 1 && rows[0]!.map_index === -1) return rows[0]!.value;
  return rows.length ? rows.map((r) => r.value) : null;
}
