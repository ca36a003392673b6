// `flashflow connections …` where the database is. Answers carry no secret: the password is reported only as set
// or not, and sensitive values of extra are masked as in the REST API. The connection being added crosses the
// control socket with its password, which only the server's owner can open (mode 600).
import { z } from 'zod';
import { NotFoundError } from '../kernel/errors';
import { parseInput } from '../kernel/zod-issues';
import { connectionInputSchema, MASK, maskedConnection, type Connection } from '../connections/connection-model';
import { connectionSource, createConnection, deleteConnection, listConnections } from '../store/connections';
import { unknownTypeWarning } from '../connections/connection-types';
import { listPluginConnectionTypes } from '../store/plugin-connection-types';
import type { CommandContext } from './command-context';

/** A connection as the CLI prints it (Airflow's `connections get` columns): the model's fields, secrets masked. */
export type ConnectionRow = Connection;

export function connectionRow(conn: Connection): ConnectionRow {
  const m = maskedConnection(conn);
  return {
    conn_id: m.connection_id, conn_type: m.conn_type, description: m.description, host: m.host, schema: m.schema,
    login: m.login, password: conn.password ? MASK : null, port: m.port, extra: m.extra,
  };
}

const ConnIdArgs = z.object({ conn_id: z.string() });
const AddArgs = z.object({ connection: z.unknown() });

/** Environment first, then the table, then the built-in defaults: what a task would get. */
async function resolve(ctx: CommandContext, connId: string): Promise<Connection> {
  const conn = await connectionSource({ db: ctx.prisma, secrets: ctx.secrets(), env: ctx.connectionEnv }).get(connId);
  if (!conn) throw new NotFoundError(`connection '${connId}' not found`);
  return conn;
}

export const CONNECTION_COMMANDS = {
  // The warning on an unknown type is decided here, where the plugins' types are stored.
  'connections.add': async (ctx: CommandContext, raw: unknown): Promise<{ row: ConnectionRow; warning: string | null }> => {
    const conn = parseInput(connectionInputSchema, parseInput(AddArgs, raw, 'connections add').connection, 'invalid connection');
    const warning = unknownTypeWarning(conn.conn_type, await listPluginConnectionTypes(ctx.sql));
    return { row: connectionRow(await createConnection(ctx.prisma, ctx.secrets(), conn)), warning };
  },
  /** The connection types plugins define, as the DAG processor stored them (the CLI adds the built-in ones). */
  'connections.types': async (ctx: CommandContext) => listPluginConnectionTypes(ctx.sql),
  'connections.get': async (ctx: CommandContext, raw: unknown) => connectionRow(await resolve(ctx, parseInput(ConnIdArgs, raw, 'connections get').conn_id)),
  // Like Airflow's: the table only, not the environment.
  'connections.list': async (ctx: CommandContext) => {
    const rows: ConnectionRow[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await listConnections(ctx.prisma, ctx.secrets(), { limit: 500, offset });
      rows.push(...page.connections.map(connectionRow));
      if (rows.length >= page.total_entries || page.connections.length === 0) return rows;
    }
  },
  'connections.delete': async (ctx: CommandContext, raw: unknown) => {
    const { conn_id } = parseInput(ConnIdArgs, raw, 'connections delete');
    await deleteConnection(ctx.prisma, conn_id);
    return { conn_id };
  },
  // The hooks it tries (nodemailer, pg, mysql2, the AWS SDK…) are loaded only for this command.
  'connections.test': async (ctx: CommandContext, raw: unknown) => {
    const conn = await resolve(ctx, parseInput(ConnIdArgs, raw, 'connections test').conn_id);
    return (await import('../hooks/connection-test')).testConnection(conn);
  },
} as const;
