// Connection endpoints over lib/store/connections.ts. Every answer goes through maskedConnection: the password
// never leaves the server and sensitive values in `extra` are masked.
import { updateMask } from './shared';
import type { z } from 'zod';
import { ForbiddenError, InvalidInputError } from '../../kernel/errors';
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  updateConnection,
} from '../../store/connections';
import {
  connectionInputSchema,
  maskedConnection,
  parseInput,
  type Connection as StoredConnection,
} from '../../connections/connection-model';
import { recordEvent } from '../../store/event-log';
import { testConnection } from '../../hooks/connection-test';
import type { Runtime } from '../../runtime/start-runtime';
import type { EndpointInput } from '../contract';
import type { Connection, ConnectionCollection, ConnectionInput, ConnectionTest, getConnections, patchConnection } from '../contracts/connections';

export type ConnectionRuntime = Pick<Runtime, 'db' | 'clock' | 'secrets' | 'config'>;

export function serializeConnection(conn: StoredConnection): z.input<typeof Connection> {
  const m = maskedConnection(conn);
  return {
    connection_id: m.connection_id,
    conn_type: m.conn_type,
    description: m.description,
    host: m.host,
    login: m.login,
    schema: m.schema,
    port: m.port,
    extra: m.extra,
  };
}

/** The store names the id `conn_id`; the API names it `connection_id`. */
async function renamingFields<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidInputError) {
      const fields = error.fields.map((f) => ({ ...f, path: f.path === 'conn_id' ? 'connection_id' : f.path }));
      throw new InvalidInputError(error.message.replace(/\bconn_id\b/g, 'connection_id'), fields);
    }
    throw error;
  }
}

/** Secrets are never written to the event log. */
function loggable(body: Record<string, unknown>): string {
  const { password: _password, extra: _extra, ...rest } = body;
  return JSON.stringify(rest);
}

export async function listConnectionsPage(
  rt: ConnectionRuntime,
  q: EndpointInput<typeof getConnections>['query'],
): Promise<z.input<typeof ConnectionCollection>> {
  if (q.order_by !== undefined && q.order_by.trim() !== '' && q.order_by.trim() !== 'connection_id') {
    throw new InvalidInputError(`Ordering with '${q.order_by}' is disallowed or the attribute does not exist on the model`, [
      { path: 'order_by', message: 'use connection_id' },
    ]);
  }
  const page = await listConnections(rt.db.prisma, rt.secrets, { limit: q.limit, offset: q.offset });
  return {
    connections: page.connections.map((c) => {
      const { extra: _extra, ...item } = serializeConnection(c);
      return item;
    }),
    total_entries: page.total_entries,
  };
}

export async function getConnectionOne(rt: ConnectionRuntime, connId: string): Promise<z.input<typeof Connection>> {
  return serializeConnection(await getConnection(rt.db.prisma, rt.secrets, connId));
}

export async function createConnectionFromApi(
  rt: ConnectionRuntime,
  body: z.output<typeof ConnectionInput>,
  actor: string,
): Promise<z.input<typeof Connection>> {
  const { connection_id, ...fields } = body;
  const conn = await renamingFields(() => createConnection(rt.db.prisma, rt.secrets, { conn_id: connection_id, ...fields }));
  await recordEvent(rt.db.sql, { event: 'api.post_connection', owner: actor, extra: loggable(body) }, rt.clock.now());
  return serializeConnection(conn);
}

export async function changeConnection(
  rt: ConnectionRuntime,
  connId: string,
  input: Pick<EndpointInput<typeof patchConnection>, 'query' | 'body'>,
  actor: string,
): Promise<z.input<typeof Connection>> {
  const { body } = input;
  const mask = updateMask(input.query.update_mask, body);
  if (mask.has('connection_id') && body.connection_id !== connId) {
    throw new InvalidInputError('connections cannot be renamed', [{ path: 'connection_id', message: `must be '${connId}'` }]);
  }
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'connection_id' && mask.has(key)) patch[key] = value;
  }
  const conn = await renamingFields(() => updateConnection(rt.db.prisma, rt.secrets, connId, patch));
  await recordEvent(rt.db.sql, { event: 'api.patch_connection', owner: actor, extra: loggable({ connection_id: connId, ...body }) }, rt.clock.now());
  return serializeConnection(conn);
}

export async function removeConnection(rt: ConnectionRuntime, connId: string, actor: string): Promise<void> {
  await deleteConnection(rt.db.prisma, connId);
  await recordEvent(rt.db.sql, { event: 'api.delete_connection', owner: actor, extra: JSON.stringify({ connection_id: connId }) }, rt.clock.now());
}

/** Airflow's test_connection: the connection in the body is tried as given, never stored. */
/** Airflow answers 403 with this when [core] test_connection is off. */
function requireTestingEnabled(rt: Pick<ConnectionRuntime, 'config'>): void {
  if (!rt.config.testConnection) {
    throw new ForbiddenError('testing connections is disabled on this server (FLASHFLOW_TEST_CONNECTION=Disabled); ask its administrator to enable it');
  }
}

export async function testConnectionFromApi(rt: Pick<ConnectionRuntime, 'config'>, body: z.output<typeof ConnectionInput>): Promise<z.input<typeof ConnectionTest>> {
  requireTestingEnabled(rt);
  const { connection_id, ...fields } = body;
  const conn = await renamingFields(async () => parseInput(connectionInputSchema, { conn_id: connection_id, ...fields }, 'invalid connection'));
  return testConnection(conn);
}

/** The UI's Test button: the stored connection, with its password, tried by the server. */
export async function testStoredConnection(rt: ConnectionRuntime, connId: string): Promise<z.input<typeof ConnectionTest>> {
  requireTestingEnabled(rt);
  return testConnection(await getConnection(rt.db.prisma, rt.secrets, connId));
}
