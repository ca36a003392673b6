// Airflow's MySqlHook on mysql2: one connection per run, built from a `mysql` connection (host, port, schema =
// database, login, password; extra: charset, ssl, connect_timeout). Works the same against MariaDB. Results are
// JSON-safe and limited like the PostgreSQL hook's (sql-results.ts).
import type { Connection as MySqlConnection, ConnectionOptions, TypeCast } from 'mysql2';
import type { Connection as PromiseConnection, QueryResult } from 'mysql2/promise';
import { z } from 'zod';
import { NonRetriableError } from '../engine/task-context';
import type { Connection } from '../connections/connection-model';
import { formatZodIssues } from '../kernel/zod-issues';
import { fetchConnection, hookExtra, type HookContext } from './hook-context';
import { checkRowLimit, handleRows, sqlExcerpt, type SqlRunOptions } from './sql-results';

type Mysql2 = typeof import('mysql2');

/** A failure a retry may cure: no connection, connection lost, deadlock, lock wait timeout, server busy or going away. */
export class MySqlError extends Error {
  override name = 'MySqlError';
}

const DEFAULT_PORT = 3306;
const DEFAULT_CONNECT_TIMEOUT_S = 30;
/** How long cancelling an aborted task's statement may take before we give up on it. */
const KILL_CONNECT_TIMEOUT_MS = 5_000;

/** Server error numbers worth another try; everything else the server answers (syntax, missing table, duplicate key,
 *  access denied, unknown database) fails at once. */
const RETRIABLE_ERRNO = new Map<number, string>([
  [1040, 'too many connections'],
  [1041, 'out of resources'],
  [1053, 'server shutting down'],
  [1158, 'network read error'],
  [1159, 'network read timeout'],
  [1160, 'network write error'],
  [1161, 'network write timeout'],
  [1203, 'too many connections of the user'],
  [1205, 'lock wait timeout'],
  [1213, 'deadlock'],
  [1317, 'query interrupted'],
  [1927, 'connection killed'],
  [4031, 'disconnected by the server for inactivity'],
]);

const extraSchema = z.object({
  charset: z.string().min(1).optional(),
  // A JSON object in the stored extra, or its text when the connection came from a URI query string.
  ssl: z
    .preprocess(
      (v) => (typeof v === 'string' ? parseJson(v) : v),
      z.record(z.string(), z.unknown(), { error: 'must be a JSON object of TLS options, e.g. {"rejectUnauthorized": true}' }),
    )
    .optional(),
  connect_timeout: z.coerce.number().positive().optional(),
});

// DATETIME and TIMESTAMP stay the server's own text (dateStrings): as Dates, mysql2 would read them in the runner's
// time zone, so the same row would give another XCom on a runner with another TZ. The 'T' makes it ISO 8601 local
// time, as the PostgreSQL hook gives `timestamp` columns.
const typeCast: TypeCast = (field, next) => {
  const value = next();
  return typeof value === 'string' && /^(DATETIME|TIMESTAMP)2?$/.test(field.type) ? value.replace(' ', 'T') : value;
};

export class MySqlHook {
  constructor(
    readonly conn: Connection,
    private readonly ctx: Pick<HookContext, 'signal' | 'log'>,
  ) {
    if (conn.conn_type !== 'mysql') {
      throw new NonRetriableError(`connection '${conn.conn_id}' has conn_type '${conn.conn_type}'; the MySQL hook supports mysql`);
    }
  }

  static async fromConnection(ctx: HookContext, connId: string): Promise<MySqlHook> {
    return new MySqlHook(await fetchConnection(ctx, connId), ctx);
  }

  /** mysql2 connection settings; the password is in here, so never log this object. */
  connectionOptions(): ConnectionOptions {
    const parsed = extraSchema.safeParse(hookExtra(this.conn));
    if (!parsed.success) {
      throw new NonRetriableError(`connection '${this.conn.conn_id}' has an invalid extra: ${formatZodIssues(parsed.error)}`);
    }
    const extra = parsed.data;
    return {
      host: this.conn.host ?? 'localhost',
      port: this.conn.port ?? DEFAULT_PORT,
      database: this.conn.schema ?? undefined,
      user: this.conn.login ?? undefined,
      password: this.conn.password ?? undefined,
      charset: extra.charset,
      ssl: extra.ssl,
      connectTimeout: (extra.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000,
      // BIGINT as a number while exact, as text beyond 2^53; DECIMAL always as text (decimalNumbers off).
      supportBigNumbers: true,
      bigNumberStrings: false,
      dateStrings: true,
      typeCast,
      // One statement per string: a list is the way to send several, and a parameter cannot smuggle in a second.
      multipleStatements: false,
    };
  }

  /**
   * Runs `fn` with a connected connection, closed afterwards. Aborting the task returns at once and ends the
   * connection; the statement it was running is killed on the server, so it stops holding locks.
   */
  async withConnection<T>(fn: (connection: PromiseConnection) => Promise<T>): Promise<T> {
    const { signal } = this.ctx;
    const options = this.connectionOptions();
    // Loaded on first use: the SDK exports this hook, and DAG files that never touch MySQL should not pay for it.
    const { default: mysql } = await import('mysql2');
    if (signal.aborted) throw signal.reason;
    const connection = mysql.createConnection(options);
    // A fatal error also fails the pending command; without a listener it would be an uncaught 'error' event.
    connection.on('error', () => {});
    const onAbort = () => {
      void killSession(mysql, options, connection.threadId).finally(() => connection.destroy());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    let connected = false;
    try {
      return await untilAborted(
        (async () => {
          await connect(connection);
          connected = true;
          return fn(connection.promise());
        })(),
        signal,
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw this.describe(error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      // An aborted connection is ended by onAbort, once its statement is killed.
      if (!signal.aborted) {
        if (connected) await connection.promise().end().catch(() => connection.destroy());
        else connection.destroy();
      }
    }
  }

  /**
   * One statement (with `?` parameters), or a list of statements run in one transaction; the handler applies to
   * the last statement's rows. Rows are JSON-safe: DECIMAL and BIGINT beyond 2^53 → text, DATETIME → its text,
   * BLOB → `\x…` hex. More rows than maxRows fail the run (a list is rolled back). MySQL commits DDL (CREATE,
   * ALTER, DROP) implicitly, so a list holding DDL is not atomic.
   */
  async run(sql: string | readonly string[], options: SqlRunOptions = {}): Promise<unknown> {
    const statements = typeof sql === 'string' ? [sql] : [...sql];
    if (statements.length === 0) throw new NonRetriableError('no SQL statement to run');
    if (options.parameters?.length && statements.length > 1) {
      throw new NonRetriableError('parameters can only be given with a single statement');
    }
    const where = `${this.conn.host ?? 'localhost'}:${this.conn.port ?? DEFAULT_PORT}/${this.conn.schema ?? ''}`;
    const rows = await this.withConnection(async (connection) => {
      const many = statements.length > 1;
      if (many) await connection.query('START TRANSACTION');
      let last: QueryResult | undefined;
      try {
        for (const statement of statements) {
          this.ctx.log.info('Running SQL on %s (connection %s): %s', where, this.conn.conn_id, sqlExcerpt(statement));
          // query() escapes parameters on the client: unlike execute()'s prepared statements it takes any statement
          // and expands a list for `IN (?)`.
          [last] = await connection.query(statement, options.parameters?.length ? options.parameters : undefined);
          this.ctx.log.info(
            Array.isArray(last) ? '%s row(s) returned' : '%s row(s) affected',
            Array.isArray(last) ? last.length : ('affectedRows' in last ? last.affectedRows : 0),
          );
        }
        checkRowLimit(Array.isArray(last) ? last.length : 0, options, this.conn.conn_id);
        if (many) await connection.query('COMMIT');
      } catch (error) {
        // Closing would roll back too; saying so leaves nothing to chance should the connection outlive the error.
        if (many) await connection.query('ROLLBACK').catch(() => {});
        throw error;
      }
      return Array.isArray(last) ? (last as unknown[]) : [];
    });
    return handleRows(rows, options.handler);
  }

  private describe(error: unknown): Error {
    if (error instanceof NonRetriableError) return error;
    const e = error as Error & { code?: string; errno?: number; sqlState?: string; fatal?: boolean };
    const fromServer = typeof e.errno === 'number' && e.errno > 0 && typeof e.sqlState === 'string';
    const detail = fromServer ? ` (${e.code ?? 'error'} ${e.errno}, SQLSTATE ${e.sqlState})` : '';
    const message = this.redact(`SQL on connection '${this.conn.conn_id}' failed: ${e.message}${detail}`);
    // Not from the server: it was not reached or the connection broke (mysql2 marks those fatal). Anything else
    // is a mistake on our side of the wire (a parameter mysql2 cannot send) that a retry repeats.
    const retriable = fromServer ? RETRIABLE_ERRNO.has(e.errno!) : e.fatal === true;
    return retriable ? new MySqlError(message, { cause: error }) : new NonRetriableError(message, { cause: error });
  }

  /** The server's message may quote the SQL a task wrote, and a task may have written the password into it. */
  private redact(message: string): string {
    return this.conn.password ? message.split(this.conn.password).join('***') : message;
  }
}

function connect(connection: MySqlConnection): Promise<void> {
  return new Promise((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
}

/** `work`, or the abort's reason as soon as the signal fires (mysql2 itself cannot cancel a handshake or a query). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Ends the session `threadId` from a second connection. Closing our socket alone would not stop the server: it
 * finishes the statement (and keeps its locks) before it notices the client is gone. Best effort.
 */
async function killSession(mysql: Mysql2, options: ConnectionOptions, threadId: number | null): Promise<void> {
  if (!threadId) return;
  const killer = mysql.createConnection({ ...options, connectTimeout: KILL_CONNECT_TIMEOUT_MS });
  killer.on('error', () => {});
  try {
    await connect(killer);
    await killer.promise().query(`KILL CONNECTION ${Number(threadId)}`);
  } catch {
    // The server is unreachable or the session already ended: nothing left to stop.
  } finally {
    killer.destroy();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
