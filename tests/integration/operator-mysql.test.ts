// The mysql operator and MySqlHook against a real MariaDB (Debian's mariadb-server, started once for this file on
// 127.0.0.1): tasks of a DAG file run end to end by a LocalExecutor, the hook used directly for what a DAG cannot
// arrange (a lock held elsewhere, an aborted task), and `connections test`.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createConnection, type Connection as MySqlConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUri, type Connection } from '../../lib/connections/connection-model';
import type { TaskJob } from '../../lib/engine/executor-port';
import { NonRetriableError, type TaskLogger } from '../../lib/engine/task-context';
import type { LocalExecutor } from '../../lib/executors/local/local-executor';
import { testConnection } from '../../lib/hooks/connection-test';
import { MySqlError, MySqlHook } from '../../lib/hooks/mysql-hook';
import { mysql } from '../../lib/operators/mysql';
import { SecretBox } from '../../lib/secrets/secret-box';
import type { Database } from '../../lib/store/database';
import { freePort } from '../support/server-process';
import { startMariaDbServer, type MariaDbServer } from '../support/mariadb-server';
import { createTestDb } from '../support/test-db';
import { startConnectionExecutor, type EventRecorder, taskJob } from './executor-harness';

const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/mysql-operators.ts', import.meta.url));
const job = (taskId: string): TaskJob => taskJob(taskId, { dagId: 'mysql_operators', fileloc: FIXTURE });
const quiet: TaskLogger = { info() {}, warn() {}, error() {} };

let server: MariaDbServer;
let database: string;
let db: Database;
let executor: LocalExecutor;
let recorder: EventRecorder;
let closedPort: number;

const timeZone = process.env.TZ;

beforeAll(async () => {
  // Not UTC, for this process and the task runners it starts: a DATETIME must come back as written whatever the
  // runner's time zone.
  process.env.TZ = 'America/New_York';
  [server, db, closedPort] = await Promise.all([startMariaDbServer(), createTestDb(), freePort()]);
  database = await server.createDatabase();
  const env = {
    FLASHFLOW_CONN_TEST_MYSQL: `${server.url(database)}?connect_timeout=5`,
    FLASHFLOW_CONN_TEST_MYSQL_DOWN: `mysql://${server.user}:${server.password}@127.0.0.1:${closedPort}/${database}`,
    FLASHFLOW_CONN_TEST_MYSQL_BAD_PASSWORD: `mysql://${server.user}:not-${server.password}@127.0.0.1:${server.port}/${database}`,
    FLASHFLOW_CONN_TEST_NOT_MYSQL: 'http://127.0.0.1',
  };
  ({ executor, recorder } = await startConnectionExecutor(db, new SecretBox([randomBytes(32)]), env));
});

afterAll(async () => {
  await executor?.stop();
  await db?.close();
  await server?.stop();
  if (timeZone === undefined) delete process.env.TZ;
  else process.env.TZ = timeZone;
});

function hook(signal = new AbortController().signal): MySqlHook {
  return new MySqlHook(parseConnectionUri('test_mysql', server.url(database)), { signal, log: quiet });
}

async function rawConnection(): Promise<MySqlConnection> {
  return createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, database });
}

describe('mysql operator', () => {
  it('runs a list of statements and returns null with handler none', async () => {
    const { finished, events } = await recorder.run(job('setup'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: null });
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    expect(logs[0]).toBe(`INFO - Running SQL on 127.0.0.1:${server.port}/${database} (connection test_mysql): DROP TABLE IF EXISTS words`);
    expect(logs).toContain('INFO - 2 row(s) affected');
    expect(JSON.stringify(logs)).not.toContain(server.password);
  });

  it('returns the rows as JSON-safe values: DECIMAL and big BIGINT as text, DATETIME as its own text, BLOB as hex', async () => {
    const { finished } = await recorder.run(job('select_rows'));
    expect(finished.outcome).toEqual({
      status: 'success',
      xcom: [
        { id: 1, word: 'chat', added: '2024-01-02T03:04:05.678', day: '2024-01-02', big: '9007199254740993', price: '12.50', raw: '\\xdeadbeef', flag: 1 },
        { id: 2, word: 'chien', added: null, day: null, big: 42, price: null, raw: null, flag: null },
      ],
    });
  });

  it('returns the first row, or null when there is none, with handler first; expands a list parameter for IN (?)', async () => {
    expect((await recorder.run(job('select_first'))).finished.outcome).toEqual({ status: 'success', xcom: { word: 'chien', big: 42 } });
    expect((await recorder.run(job('select_none_found'))).finished.outcome).toEqual({ status: 'success', xcom: null });
    expect((await recorder.run(job('select_in_list'))).finished.outcome).toEqual({
      status: 'success',
      xcom: [{ word: 'chat' }, { word: 'chien' }],
    });
  });

  it('fails without retry when the rows exceed maxRows, which does not limit handler first', async () => {
    expect((await recorder.run(job('too_many_rows'))).finished.outcome).toMatchObject({
      status: 'failed',
      error: {
        name: 'NonRetriableError',
        retriable: false,
        message: expect.stringContaining("SQL on connection 'test_mysql' returned 2 rows, more than maxRows (1)"),
      },
    });
    expect((await recorder.run(job('first_of_many'))).finished.outcome).toEqual({ status: 'success', xcom: { word: 'chat' } });
  });

  it('fails SQL errors without retry, with the MySQL error code and SQLSTATE', async () => {
    expect((await recorder.run(job('syntax_error'))).finished.outcome).toMatchObject({
      status: 'failed',
      error: {
        name: 'NonRetriableError',
        retriable: false,
        message: expect.stringMatching(/^SQL on connection 'test_mysql' failed: You have an error in your SQL syntax.* \(ER_PARSE_ERROR 1064, SQLSTATE 42000\)$/),
      },
    });
    expect((await recorder.run(job('missing_table'))).finished.outcome).toMatchObject({
      status: 'failed',
      error: { retriable: false, message: expect.stringContaining(`Table '${database}.no_such_table' doesn't exist (ER_NO_SUCH_TABLE 1146, SQLSTATE 42S02)`) },
    });
  });

  it('rolls back every statement of a list when one fails', async () => {
    expect((await recorder.run(job('rolls_back'))).finished.outcome).toMatchObject({
      status: 'failed',
      error: { retriable: false, message: expect.stringContaining("Duplicate entry 'chat' for key 'word' (ER_DUP_ENTRY 1062") },
    });
    expect((await recorder.run(job('count'))).finished.outcome).toEqual({ status: 'success', xcom: { n: 2 } });
  });

  it('fails retriably when the server cannot be reached, and without retry on a wrong password', async () => {
    expect((await recorder.run(job('server_down'))).finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'MySqlError', retriable: true, message: expect.stringMatching(/^SQL on connection 'test_mysql_down' failed: .*ECONNREFUSED/) },
    });
    const denied = (await recorder.run(job('wrong_password'))).finished.outcome;
    expect(denied).toMatchObject({
      status: 'failed',
      error: { name: 'NonRetriableError', message: expect.stringContaining('Access denied for user') },
    });
    expect(JSON.stringify(denied)).not.toContain(server.password);
  });

  it('fails without retry on a connection that is not MySQL', async () => {
    expect((await recorder.run(job('wrong_type'))).finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'NonRetriableError', message: "connection 'test_not_mysql' has conn_type 'http'; the MySQL hook supports mysql" },
    });
  });

  it('lets a function task use the hook with a connection of its own', async () => {
    expect((await recorder.run(job('hook_in_function'))).finished.outcome).toEqual({ status: 'success', xcom: { words: 2 } });
  });
});

describe('MySqlHook', () => {
  it('fails retriably on a lock wait timeout, as a retry may find the lock gone', async () => {
    const holder = await rawConnection();
    try {
      await holder.query('START TRANSACTION');
      await holder.query('SELECT * FROM words WHERE id = 1 FOR UPDATE');
      const failure = await hook()
        .run(['SET SESSION innodb_lock_wait_timeout = 1', "UPDATE words SET word = 'chat2' WHERE id = 1"])
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(MySqlError);
      expect((failure as Error).message).toMatch(/Lock wait timeout exceeded.*\(ER_LOCK_WAIT_TIMEOUT 1205, SQLSTATE HY000\)$/);
    } finally {
      await holder.end();
    }
  });

  it('returns at once when the task is aborted and kills the statement on the server', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(new Error('task timed out')), 300);
    await expect(hook(abort.signal).run("SELECT SLEEP(30) AS 'ff_abort_probe'")).rejects.toThrow('task timed out');
    expect(Date.now() - started).toBeLessThan(3_000);

    const observer = await rawConnection();
    try {
      const sleeping = async () => {
        const [rows] = await observer.query("SELECT id FROM information_schema.processlist WHERE info LIKE '%ff\\_abort\\_probe%' AND id <> CONNECTION_ID()");
        return (rows as unknown[]).length;
      };
      const deadline = Date.now() + 3_000;
      while ((await sleeping()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await sleeping()).toBe(0);
    } finally {
      await observer.end();
    }
  });

  it('refuses an extra whose ssl is not an object, naming the connection', () => {
    const conn: Connection = { ...parseConnectionUri('tls_db', server.url(database)), extra: '{"ssl": "yes"}' };
    expect(() => new MySqlHook(conn, { signal: new AbortController().signal, log: quiet }).connectionOptions()).toThrow(
      new NonRetriableError(`connection 'tls_db' has an invalid extra: ssl: must be a JSON object of TLS options, e.g. {"rejectUnauthorized": true}`),
    );
  });
});

describe('connections test of a mysql connection', () => {
  const conn = (password: string): Connection => ({
    conn_id: 'under_test', conn_type: 'mysql', description: null, host: '127.0.0.1', port: server.port,
    schema: database, login: server.user, password, extra: null,
  });

  it('connects and runs SELECT 1', async () => {
    expect(await testConnection(conn(server.password))).toEqual({
      status: true,
      message: `Connection successfully tested: connected to 127.0.0.1:${server.port}/${database} and ran SELECT 1.`,
    });
  });

  it('says the password was refused without repeating it', async () => {
    const wrong = `wrong-${server.password}`;
    const result = await testConnection(conn(wrong));
    expect(result).toEqual({ status: false, message: expect.stringContaining('Access denied for user') });
    expect(result.message).not.toContain(wrong);
  });
});

describe('mysql() in a DAG file', () => {
  it('checks its arguments when the DAG file is imported', () => {
    expect(mysql({ connId: 'db', sql: 'SELECT ?', parameters: [1], maxRows: 5 })).toEqual({
      operator: 'mysql',
      args: { connId: 'db', sql: 'SELECT ?', parameters: [1], maxRows: 5 },
    });
    expect(() => mysql({ connId: 'db', sql: ['SELECT 1', 'SELECT ?'], parameters: [1] })).toThrow(
      'mysql(): invalid arguments: parameters: parameters can only be given with a single statement',
    );
    expect(() => mysql({ connId: 'db', sql: ' ', maxRows: 0 })).toThrow(/^mysql\(\): invalid arguments: sql: must not be empty; maxRows: /);
  });
});
