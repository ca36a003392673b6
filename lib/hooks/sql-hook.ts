// Airflow's PostgresHook on node-postgres: one client per run, built from a connection (host, port, schema =
// database, login, password; extra: sslmode, connect_timeout, application_name, options). Results are JSON-safe.
import pg from 'pg';
import { NonRetriableError } from '../engine/task-context';
import type { Connection } from '../connections/connection-model';
import { pgTypes } from '../postgres/type-parsers';
import { fetchConnection, hookExtra, type HookContext } from './hook-context';
import { checkRowLimit, handleRows, sqlExcerpt, type SqlRunOptions } from './sql-results';

/** A failure a retry may cure: no connection, connection lost, serialization failure/deadlock, server overloaded. */
export class SqlError extends Error {
  override name = 'SqlError';
}

const SUPPORTED_TYPES = new Set(['postgres', 'postgresql']);
const DEFAULT_CONNECT_TIMEOUT_S = 30;
/** SQLSTATE classes worth another try: 08 connection, 40 rollback (deadlock, serialization), 53 resources,
 *  55P03 lock not available, 57 operator intervention (shutdown, cancel), 58 system error, XX internal. */
const RETRIABLE_SQLSTATE = /^(08|40|53|57|58|XX)|^55P03$/;
const TIMESTAMP_OID = 1114;

// pg gives zone-less timestamps as local-time Dates, which depend on the runner's TZ; keep their own text instead.
const hookTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID && (format ?? 'text') === 'text'
      ? (text: string) => text.replace(' ', 'T')
      : (pgTypes.getTypeParser as (o: number, f?: string) => unknown)(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export class SqlHook {
  constructor(
    readonly conn: Connection,
    private readonly ctx: Pick<HookContext, 'signal' | 'log'>,
  ) {
    if (!SUPPORTED_TYPES.has(conn.conn_type)) {
      throw new NonRetriableError(
        `connection '${conn.conn_id}' has conn_type '${conn.conn_type}'; the SQL hook supports postgres`,
      );
    }
  }

  static async fromConnection(ctx: HookContext, connId: string): Promise<SqlHook> {
    return new SqlHook(await fetchConnection(ctx, connId), ctx);
  }

  /** node-postgres client settings; the password is in here, so never log this object. */
  clientConfig(): pg.ClientConfig {
    const extra = hookExtra(this.conn);
    const sslmode = typeof extra.sslmode === 'string' ? extra.sslmode : 'prefer';
    const connectTimeout = Number(extra.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_S);
    return {
      host: this.conn.host ?? 'localhost',
      port: this.conn.port ?? 5432,
      database: this.conn.schema ?? undefined,
      user: this.conn.login ?? undefined,
      password: this.conn.password ?? undefined,
      // pg cannot fall back from TLS to plain text: 'prefer' and 'allow' mean plain, 'require' encrypts without
      // checking the certificate (libpq's meaning), 'verify-ca'/'verify-full' check it.
      ssl: sslmode === 'require' ? { rejectUnauthorized: false } : sslmode.startsWith('verify') ? { rejectUnauthorized: true } : false,
      connectionTimeoutMillis: Number.isFinite(connectTimeout) && connectTimeout > 0 ? connectTimeout * 1000 : DEFAULT_CONNECT_TIMEOUT_S * 1000,
      application_name: typeof extra.application_name === 'string' ? extra.application_name : 'flashflow',
      ...(typeof extra.options === 'string' ? { options: extra.options } : {}),
      types: hookTypes,
    };
  }

  /** Runs `fn` with a connected client, closed afterwards; aborting the task ends the connection. */
  async withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const { signal } = this.ctx;
    if (signal.aborted) throw signal.reason;
    const client = new pg.Client(this.clientConfig());
    // An error of an idle client (server restart) would otherwise be an unhandled 'error' event.
    client.on('error', () => {});
    const onAbort = () => void client.end().catch(() => {});
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await client.connect();
      return await fn(client);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw this.describe(error);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await client.end().catch(() => {});
    }
  }

  /**
   * One statement (with parameters), or a list of statements run in one transaction; the handler applies to the
   * last statement's rows. Rows are JSON-safe: Dates → ISO text, int8 beyond 2^53 → text, bytea → `\x…` hex.
   * More rows than maxRows fail the run (a list is rolled back).
   */
  async run(sql: string | readonly string[], options: SqlRunOptions = {}): Promise<unknown> {
    const statements = typeof sql === 'string' ? [sql] : [...sql];
    if (statements.length === 0) throw new NonRetriableError('no SQL statement to run');
    if (options.parameters?.length && statements.length > 1) {
      throw new NonRetriableError('parameters can only be given with a single statement');
    }
    const where = `${this.conn.host ?? 'localhost'}:${this.conn.port ?? 5432}/${this.conn.schema ?? ''}`;
    const rows = await this.withClient(async (client) => {
      const many = statements.length > 1;
      if (many) await client.query('BEGIN');
      let last: pg.QueryResult | undefined;
      try {
        for (const statement of statements) {
          this.ctx.log.info('Running SQL on %s (connection %s): %s', where, this.conn.conn_id, sqlExcerpt(statement));
          const result = await client.query(
            options.parameters?.length ? { text: statement, values: options.parameters } : statement,
          );
          // Several statements in one string (simple protocol) give one result each.
          last = Array.isArray(result) ? (result as pg.QueryResult[]).at(-1) : result;
          this.ctx.log.info('%s: %s row(s)', last?.command ?? 'SQL', last?.rowCount ?? 0);
        }
        checkRowLimit(last?.rows?.length ?? 0, options, this.conn.conn_id);
        if (many) await client.query('COMMIT');
      } catch (error) {
        // Closing would roll back too; saying so keeps a server-side session that outlives the socket clean.
        if (many) await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      return last?.rows ?? [];
    });
    return handleRows(rows, options.handler);
  }

  private describe(error: unknown): Error {
    if (error instanceof NonRetriableError) return error;
    const e = error as Error & { code?: string; position?: string };
    const sqlstate = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
    const message = `SQL on connection '${this.conn.conn_id}' failed: ${e.message}${sqlstate ? ` (SQLSTATE ${sqlstate})` : ''}`;
    // Without a SQLSTATE the server was not reached or the connection broke: worth a retry.
    if (sqlstate === null || RETRIABLE_SQLSTATE.test(sqlstate)) return new SqlError(message, { cause: error });
    return new NonRetriableError(message, { cause: error });
  }
}
