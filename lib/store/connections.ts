// The `connection` table (Airflow's connections): CRUD with password and extra encrypted at rest, and the
// lookup tasks reach through the `connections.get` service, where FLASHFLOW_CONN_* variables win over the table.
import { ConflictError, NotFoundError } from '../kernel/errors';
import { SecretDecryptionError, type SecretBox } from '../secrets/secret-box';
import { defaultConnection } from '../connections/default-connections';
import {
  connectionInputSchema,
  connectionPatchSchema,
  connIdSchema,
  parseInput,
  type Connection,
  type ConnectionInput,
  type ConnectionPatch,
} from '../connections/connection-model';
import { envConnection } from '../connections/env-connections';
import type { PrismaClient } from './generated/prisma/client';

/** The Prisma client or an interactive transaction's client. */
export type ConnectionDb = Pick<PrismaClient, 'connection'>;

type Row = NonNullable<Awaited<ReturnType<ConnectionDb['connection']['findUnique']>>>;
type SecretField = 'password' | 'extra';

export class ConnectionDecryptionError extends Error {
  override name = 'ConnectionDecryptionError';
}

/** Associated data of a secret: a ciphertext only opens in the field and connection it was written for. */
const secretContext = (connId: string, field: SecretField) => `connection/${connId}/${field}`;

function encrypt(secrets: SecretBox, connId: string, field: SecretField, value: string | null): string | null {
  return value === null ? null : secrets.encrypt(value, secretContext(connId, field));
}

function decrypt(secrets: SecretBox, row: Row, field: SecretField): string | null {
  const value = row[field];
  if (value === null || !row.isEncrypted) return value;
  try {
    return secrets.decrypt(value, secretContext(row.connId, field));
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    throw new ConnectionDecryptionError(`cannot decrypt the ${field} of connection '${row.connId}': ${error.message}`);
  }
}

function fromRow(secrets: SecretBox, row: Row): Connection {
  return {
    conn_id: row.connId,
    conn_type: row.connType,
    description: row.description,
    host: row.host,
    schema: row.schema,
    login: row.login,
    password: decrypt(secrets, row, 'password'),
    port: row.port,
    extra: decrypt(secrets, row, 'extra'),
  };
}

function toRow(secrets: SecretBox, conn: Connection): Row {
  return {
    connId: conn.conn_id,
    connType: conn.conn_type,
    description: conn.description,
    host: conn.host,
    schema: conn.schema,
    login: conn.login,
    password: encrypt(secrets, conn.conn_id, 'password', conn.password),
    port: conn.port,
    extra: encrypt(secrets, conn.conn_id, 'extra', conn.extra),
    isEncrypted: true,
  };
}

function prismaCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

export async function createConnection(db: ConnectionDb, secrets: SecretBox, input: ConnectionInput): Promise<Connection> {
  const conn = parseInput(connectionInputSchema, input, 'invalid connection');
  try {
    await db.connection.create({ data: toRow(secrets, conn) });
  } catch (error) {
    if (prismaCode(error) === 'P2002') throw new ConflictError(`connection '${conn.conn_id}' already exists`);
    throw error;
  }
  return conn;
}

/** The connection with its secrets decrypted, or null when the table has none with this id. */
export async function findConnection(db: ConnectionDb, secrets: SecretBox, connId: string): Promise<Connection | null> {
  const row = await db.connection.findUnique({ where: { connId } });
  return row ? fromRow(secrets, row) : null;
}

export async function getConnection(db: ConnectionDb, secrets: SecretBox, connId: string): Promise<Connection> {
  const conn = await findConnection(db, secrets, connId);
  if (!conn) throw new NotFoundError(`connection '${connId}' not found`);
  return conn;
}

export async function listConnections(
  db: ConnectionDb,
  secrets: SecretBox,
  page: { limit?: number; offset?: number } = {},
): Promise<{ connections: Connection[]; total_entries: number }> {
  const [rows, total] = await Promise.all([
    db.connection.findMany({ orderBy: { connId: 'asc' }, take: page.limit ?? 100, skip: page.offset ?? 0 }),
    db.connection.count(),
  ]);
  return { connections: rows.map((row) => fromRow(secrets, row)), total_entries: total };
}

/**
 * Applies a patch; secrets it does not replace are decrypted and written back with the current key, so an updated
 * row is always encrypted with the primary key (and rows written in clear by hand get encrypted).
 */
export async function updateConnection(
  db: ConnectionDb,
  secrets: SecretBox,
  connId: string,
  patch: ConnectionPatch,
): Promise<Connection> {
  const changes = parseInput(connectionPatchSchema, patch, `invalid update of connection '${connId}'`);
  const row = await db.connection.findUnique({ where: { connId } });
  if (!row) throw new NotFoundError(`connection '${connId}' not found`);
  // A secret being replaced is not decrypted: setting a new password is the way out of a lost key.
  const kept = fromRow(secrets, {
    ...row,
    password: changes.password !== undefined ? null : row.password,
    extra: changes.extra !== undefined ? null : row.extra,
  });
  const next: Connection = { ...kept };
  for (const [key, value] of Object.entries(changes) as Array<[keyof Connection, never]>) {
    if (value !== undefined) next[key] = value;
  }
  try {
    await db.connection.update({ where: { connId }, data: toRow(secrets, next) });
  } catch (error) {
    if (prismaCode(error) === 'P2025') throw new NotFoundError(`connection '${connId}' not found`);
    throw error;
  }
  return next;
}

export async function deleteConnection(db: ConnectionDb, connId: string): Promise<void> {
  const { count } = await db.connection.deleteMany({ where: { connId } });
  if (count === 0) throw new NotFoundError(`connection '${connId}' not found`);
}

/**
 * Re-encrypts every secret not yet under the primary key (after putting a new key first in FLASHFLOW_SECRET_KEY,
 * Airflow's `rotate-fernet-key`), and encrypts rows stored in clear. Returns the number of rows rewritten.
 */
export async function reencryptConnections(db: ConnectionDb, secrets: SecretBox): Promise<number> {
  const rows = await db.connection.findMany({ orderBy: { connId: 'asc' } });
  let rewritten = 0;
  for (const row of rows) {
    const current = row.isEncrypted && [row.password, row.extra].every((v) => v === null || secrets.isCurrent(v));
    if (current) continue;
    const { connId: _id, ...data } = toRow(secrets, fromRow(secrets, row));
    await db.connection.update({ where: { connId: row.connId }, data });
    rewritten++;
  }
  return rewritten;
}

/** How the process that owns the database answers `connections.get` (services.ts). */
export interface ConnectionSource {
  get(connId: string): Promise<Connection | null>;
}

/**
 * Environment first, then the table: Airflow's secrets-backend order, so a deployment can pin a connection
 * without touching the database; the built-in defaults (default-connections.ts) last. `env` is the process environment, passed in from the edge.
 */
export function connectionSource(deps: { db: ConnectionDb; secrets: SecretBox; env?: Record<string, string | undefined> }): ConnectionSource {
  const env = deps.env ?? {};
  return {
    async get(connId) {
      parseInput(connIdSchema, connId, 'invalid conn_id');
      return envConnection(env, connId) ?? (await findConnection(deps.db, deps.secrets, connId)) ?? defaultConnection(connId);
    },
  };
}
