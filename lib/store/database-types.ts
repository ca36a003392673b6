// The database handle every process opens once: raw SQL for the scheduler's set-based hot path, Prisma for CRUD.
// Kept apart from database.ts so the driver-specific openers can return it without an import cycle.
import type { PrismaClient } from './generated/prisma/client';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * Raw SQL with the same JS types from PGlite and PostgreSQL (see lib/postgres/type-parsers.ts):
 * int2/int4/float4/float8 → number; int8 (count(*), bigint ids) → number, or bigint beyond ±2^53;
 * numeric → string (cast to float8 in SQL when a number is wanted); bool → boolean; text/uuid → string;
 * json/jsonb → parsed value; timestamptz (and timestamp) → Date; date, interval → string; arrays → JS arrays.
 *
 * Parameters: Date, string, number, boolean, null, bigint and arrays (for `= ANY($1::text[])`) behave the same on both
 * drivers. Pass jsonb values as `JSON.stringify(value)` with a `$n::jsonb` cast: pg would turn a JS array into a
 * PostgreSQL array literal.
 */
export interface SqlClient {
  /** One statement (extended protocol), `$1…$n` parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements separated by `;` (simple protocol), no parameters. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: commit when it resolves, rollback (and rethrow) when it throws.
   * Called on a transaction's `tx`, it opens a SAVEPOINT instead, so an inner failure undoes only the inner work
   * (and still throws). Inside `fn` use only `tx`: the outer client throws there, because on PGlite it would wait
   * forever for the transaction that is waiting for it, and on PostgreSQL it would silently run outside it.
   * Do not run nested transactions of one `tx` concurrently.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

export interface Database {
  kind: DatabaseKind;
  sql: SqlClient;
  /** Generated client through pglite-prisma-adapter or @prisma/adapter-pg; shares the connection(s) of `sql`. */
  prisma: PrismaClient;
  /** Disconnects Prisma, then closes PGlite (else Node never exits) or ends the pg pool. Idempotent. */
  close(): Promise<void>;
}
