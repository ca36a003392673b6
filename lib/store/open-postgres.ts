// Real PostgreSQL (scale-out mode, `DATABASE_URL=postgres://…`) through one node-postgres pool shared by the raw
// SqlClient and Prisma's adapter.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Database } from './database-types';
import { PrismaClient } from './generated/prisma/client';
import { createSqlClient, type Row, type SqlDriver, type SqlSession } from './sql-client';
import { pgTypes } from '../postgres/type-parsers';
import { PreparedStatementNames } from './prepared-statements';

export interface OpenPostgresOptions {
  databaseUrl: string;
  /** Pool size; every scheduler/webserver/worker process has its own pool. Default 10. */
  maxConnections?: number;
  /** Errors of idle pooled connections (server restart, network); pg drops those connections itself. */
  onPoolError?: (error: Error) => void;
}

export async function openPostgres(options: OpenPostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? 10,
    types: pgTypes,
    // @prisma/adapter-pg sends Dates as zone-less UTC text and reads timestamptz by replacing the offset with +00:00:
    // on a server whose TimeZone is not UTC, Prisma would store 12:00Z as 10:00Z (Europe/Paris) and read now()
    // defaults an hour or two off. A startup parameter pins every connection before its first query; it also keeps
    // date_trunc() & co. in UTC, as on PGlite. (A URL with its own `options` replaces this.)
    options: '-c TimeZone=UTC',
  });
  // Without a listener an idle connection's error is an unhandled 'error' event and kills the process.
  pool.on('error', options.onPoolError ?? ((error) => console.error(`flashflow: idle PostgreSQL connection failed: ${error.message}`)));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(`Cannot connect to PostgreSQL at ${describeUrl(options.databaseUrl)}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closing: Promise<void> | undefined;
  return {
    kind: 'postgres',
    sql: createSqlClient(pgDriver(pool, new PreparedStatementNames())),
    prisma,
    close() {
      closing ??= (async () => {
        try {
          await prisma.$disconnect();
        } finally {
          await pool.end();
        }
      })();
      return closing;
    },
  };
}

/** host:port/database, never the password. */
function describeUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

function pgSession(client: pg.Pool | pg.PoolClient, prepared: PreparedStatementNames, inTransaction: boolean): SqlSession {
  // Extended protocol even without parameters, as PGlite's query() does: one statement, typed results.
  const send = async (sql: string, params: unknown[], name: string | undefined) =>
    (await client.query<Row>({ text: sql, values: params, queryMode: 'extended', ...(name ? { name } : {}) } as pg.QueryConfig)).rows;
  return {
    async query(sql: string, params: unknown[]): Promise<Row[]> {
      try {
        return await send(sql, params, prepared.nameOf(sql));
      } catch (error) {
        // Inside a transaction the error has aborted it: the caller's own retry sends the text again, unnamed.
        if (!prepared.stale(sql, error) || inTransaction) throw error;
        return send(sql, params, undefined);
      }
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

function pgDriver(pool: pg.Pool, prepared: PreparedStatementNames): SqlDriver {
  return {
    ...pgSession(pool, prepared, false),
    async begin(fn) {
      const client = await pool.connect();
      let unusable: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(pgSession(client, prepared, true));
        const commit = await client.query('COMMIT');
        // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, not an error: a statement failed and
        // the callback swallowed it. PGlite throws here too.
        if (commit.command === 'ROLLBACK') {
          throw new Error('Transaction was rolled back: a statement inside it failed and the error was caught.');
        }
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          unusable = rollbackError;
        });
        throw error;
      } finally {
        // A connection whose ROLLBACK failed may still be inside the transaction: destroy it, never reuse it.
        client.release(unusable);
      }
    },
  };
}
