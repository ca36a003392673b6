// Builds the SqlClient contract (database-types.ts) on top of a minimal driver, so PGlite and pg share one definition
// of nesting (savepoints), misuse detection and finished-transaction checks.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlClient } from './database-types';

export type Row = Record<string, unknown>;

/** One connection's worth of SQL: PGlite itself, or a pg client checked out of the pool. */
export interface SqlSession {
  query(sql: string, params: unknown[]): Promise<Row[]>;
  exec(sql: string): Promise<void>;
}

export interface SqlDriver extends SqlSession {
  /** BEGIN on one session, run `fn`, COMMIT; ROLLBACK and rethrow when `fn` or the COMMIT fails. */
  begin<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
}

export class SqlClientMisuseError extends Error {
  override name = 'SqlClientMisuseError';
}

// The drivers whose transaction the current async call chain is inside.
const insideTransactionOf = new AsyncLocalStorage<ReadonlySet<SqlDriver>>();

export function createSqlClient(driver: SqlDriver): SqlClient {
  const assertNotInsideOwnTransaction = (what: string): void => {
    if (insideTransactionOf.getStore()?.has(driver)) {
      throw new SqlClientMisuseError(
        `${what} on the database's root SqlClient inside sql.transaction(): use the \`tx\` passed to the callback ` +
          '(tx.transaction() for a nested savepoint). On PGlite this call would wait forever for the transaction; ' +
          'on PostgreSQL it would run outside it.',
      );
    }
  };
  return {
    async query<T = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
      assertNotInsideOwnTransaction('query()');
      return (await driver.query(sql, params)) as T[];
    },
    async exec(sql: string): Promise<void> {
      assertNotInsideOwnTransaction('exec()');
      await driver.exec(sql);
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      assertNotInsideOwnTransaction('transaction()');
      const outer = insideTransactionOf.getStore() ?? new Set<SqlDriver>();
      return driver.begin((session) =>
        insideTransactionOf.run(new Set([...outer, driver]), () => runWithTxClient(session, 0, fn)),
      );
    },
  };
}

async function runWithTxClient<T>(session: SqlSession, depth: number, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  let finished = false;
  const assertOpen = (): void => {
    // A tx kept past its callback would run on a connection that is back in the pool, or on a closed PGlite tx.
    if (finished) throw new SqlClientMisuseError('This transaction has already finished; its tx client cannot be used.');
  };
  const tx: SqlClient = {
    async query<R = Row>(sql: string, params: unknown[] = []): Promise<R[]> {
      assertOpen();
      return (await session.query(sql, params)) as R[];
    },
    async exec(sql: string): Promise<void> {
      assertOpen();
      await session.exec(sql);
    },
    async transaction<R>(inner: (tx: SqlClient) => Promise<R>): Promise<R> {
      assertOpen();
      const savepoint = `flashflow_sp_${depth + 1}`;
      await session.exec(`SAVEPOINT ${savepoint}`);
      let result: R;
      try {
        result = await runWithTxClient(session, depth + 1, inner);
      } catch (error) {
        // Undo only the inner work; the outer transaction stays usable if the caller catches.
        await session.exec(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`).catch(() => {});
        throw error;
      }
      await session.exec(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    },
  };
  try {
    return await fn(tx);
  } finally {
    finished = true;
  }
}
