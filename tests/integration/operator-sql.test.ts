// The sql operator end to end: a real LocalExecutor runs tasks of a DAG file against a PostgreSQL wire-protocol
// server on 127.0.0.1 (PGlite behind tests/support/pglite-tcp-bridge.ts), through node-postgres in the runner;
// the connection comes from the `connections.get` service.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskJob } from '../../lib/engine/executor-port';
import type { LocalExecutor } from '../../lib/executors/local/local-executor';
import { sql } from '../../lib/operators/sql';
import { SecretBox } from '../../lib/secrets/secret-box';
import { createConnection } from '../../lib/store/connections';
import type { Database } from '../../lib/store/database';
import { startPgliteTcpBridge, type PgliteTcpBridge } from '../support/pglite-tcp-bridge';
import { createTestDb } from '../support/test-db';
import { startConnectionExecutor, type EventRecorder, taskJob } from './executor-harness';

const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/connection-operators.ts', import.meta.url));
const job = (taskId: string): TaskJob => taskJob(taskId, { dagId: 'sql_operators', fileloc: FIXTURE });

let bridge: PgliteTcpBridge;
let db: Database;
let executor: LocalExecutor;
let recorder: EventRecorder;

beforeAll(async () => {
  bridge = await startPgliteTcpBridge();
  const port = Number(new URL(bridge.url).port);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));

  db = await createTestDb();
  const secrets = new SecretBox([randomBytes(32)]);
  await createConnection(db.prisma, secrets, {
    conn_id: 'test_pg', conn_type: 'postgres', host: '127.0.0.1', port, schema: 'postgres', login: 'postgres', password: 'pw',
    extra: { application_name: 'flashflow-test', connect_timeout: 5 },
  });
  await createConnection(db.prisma, secrets, { conn_id: 'test_api_for_sql', conn_type: 'http', host: '127.0.0.1' });
  const env = { FLASHFLOW_CONN_TEST_PG_DOWN: `postgres://postgres@127.0.0.1:${closedPort}/postgres` };

  ({ executor, recorder } = await startConnectionExecutor(db, secrets, env));
});

afterAll(async () => {
  await executor?.stop();
  await db?.close();
  await bridge?.close();
});

describe('sql operator', () => {
  it('runs a list of statements in one transaction and returns null with handler none', async () => {
    const { finished, events } = await recorder.run(job('setup'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: null });
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    const where = `127.0.0.1:${new URL(bridge.url).port}/postgres`;
    expect(logs[0]).toBe(`INFO - Running SQL on ${where} (connection test_pg): DROP TABLE IF EXISTS words`);
    expect(logs).toContain('INFO - INSERT: 2 row(s)');
    expect(JSON.stringify(logs)).not.toContain('pw');
  });

  it('returns the rows as JSON-safe values: Dates as ISO, big int8 and numeric as text, bytea as hex', async () => {
    const { finished } = await recorder.run(job('select_rows'));
    expect(finished.outcome).toEqual({
      status: 'success',
      xcom: [
        {
          id: 1, word: 'chat', added: '2024-01-02T03:04:05.678Z', local_time: '2024-01-02T03:04:05', day: '2024-01-02',
          big: '9007199254740993', price: '12.50', raw: '\\xdeadbeef', tags: ['a', 'b'], meta: { level: 1 },
        },
        {
          id: 2, word: 'chien', added: '2024-02-03T00:00:00.000Z', local_time: null, day: null,
          big: 42, price: null, raw: null, tags: null, meta: null,
        },
      ],
    });
  });

  it('returns the first row, or null when there is none, with handler first', async () => {
    expect((await recorder.run(job('select_first'))).finished.outcome).toEqual({ status: 'success', xcom: { word: 'chien', big: 42 } });
    expect((await recorder.run(job('select_none_found'))).finished.outcome).toEqual({ status: 'success', xcom: null });
  });

  it('fails SQL errors without retry, with the SQLSTATE', async () => {
    const syntax = await recorder.run(job('syntax_error'));
    expect(syntax.finished.outcome).toMatchObject({
      status: 'failed',
      error: {
        name: 'NonRetriableError',
        retriable: false,
        message: `SQL on connection 'test_pg' failed: syntax error at or near "SELEC" (SQLSTATE 42601)`,
      },
    });
    const missing = await recorder.run(job('missing_table'));
    expect(missing.finished.outcome).toMatchObject({
      status: 'failed',
      error: { retriable: false, message: expect.stringContaining('relation "no_such_table" does not exist (SQLSTATE 42P01)') },
    });
  });

  it('rolls back every statement of a list when one fails', async () => {
    const { finished } = await recorder.run(job('rolls_back'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { retriable: false, message: expect.stringContaining('division by zero (SQLSTATE 22012)') },
    });
    expect((await recorder.run(job('count'))).finished.outcome).toEqual({ status: 'success', xcom: { n: 2 } });
  });

  it('fails retriably when the server cannot be reached', async () => {
    const { finished } = await recorder.run(job('server_down'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'SqlError', retriable: true, message: expect.stringMatching(/^SQL on connection 'test_pg_down' failed: .*ECONNREFUSED/) },
    });
  });

  it('fails without retry on a connection that is not PostgreSQL', async () => {
    const { finished } = await recorder.run(job('wrong_type'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'NonRetriableError', message: "connection 'test_api_for_sql' has conn_type 'http'; the SQL hook supports postgres" },
    });
  });

  it('lets a function task use the hook with a client of its own', async () => {
    const { finished } = await recorder.run(job('hook_in_function'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: { words: 2 } });
  });
});

describe('sql() in a DAG file', () => {
  it('checks its arguments when the DAG file is imported', () => {
    expect(sql({ connId: 'db', sql: 'SELECT 1' })).toEqual({ operator: 'sql', args: { connId: 'db', sql: 'SELECT 1' } });
    expect(() => sql({ connId: 'db', sql: ['SELECT 1', 'SELECT $1'], parameters: [1] })).toThrow(
      'sql(): invalid arguments: parameters: parameters can only be given with a single statement',
    );
    expect(() => sql({ connId: 'db', sql: '  ', handler: 'all' as never })).toThrow(/sql: must not be empty; handler: /);
  });
});
