// Airflow's "Test connection": try a connection for real with the hook its type uses (an HTTP request to the
// base URL, `SELECT 1` on PostgreSQL and MySQL, an SMTP handshake, S3 ListBuckets for AWS) and say in one sentence whether it worked. The caller
// decides which connection: one typed into a form (the API) or one stored with its secrets (the UI).
import type { TaskLogger } from '../engine/task-context';
import { connectionExtra, type Connection } from '../connections/connection-model';
import { smtpFromConnection } from './smtp-settings';
import { createSmtpTransport } from './smtp-transport';
import { AmqpHook } from './amqp-hook';
import { awsClientConfig } from './aws-connection';
import { HttpHook } from './http-hook';
import { MySqlHook } from './mysql-hook';
import { S3Hook } from './s3-hook';
import { SqlHook } from './sql-hook';

export interface ConnectionTestResult {
  status: boolean;
  message: string;
}

/** Long enough for a slow TLS handshake, short enough for someone waiting on a button. */
export const CONNECTION_TEST_TIMEOUT_MS = 10_000;

type Tester = (conn: Connection, signal: AbortSignal) => Promise<string>;

/** A test has no task log to write to; what matters is in the result. */
const quiet: TaskLogger = { info() {}, warn() {}, error() {} };

const testHttp: Tester = async (conn, signal) => {
  const hook = new HttpHook(conn, { signal, log: quiet });
  const res = await hook.run({ method: 'GET', timeoutMs: CONNECTION_TEST_TIMEOUT_MS });
  return `GET ${hook.url()} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
};

type SqlHookClass = new (conn: Connection, ctx: { signal: AbortSignal; log: TaskLogger }) => {
  run(sql: string, options: { handler: 'first' }): Promise<unknown>;
};

const sqlTester = (Hook: SqlHookClass, defaultPort: number): Tester => async (conn, signal) => {
  const hook = new Hook(
    // connect_timeout in extra is the task's setting; a test never waits longer than its own limit.
    { ...conn, extra: JSON.stringify({ ...connectionExtra(conn), connect_timeout: CONNECTION_TEST_TIMEOUT_MS / 1000 }) },
    { signal, log: quiet },
  );
  await hook.run('SELECT 1', { handler: 'first' });
  return `connected to ${conn.host ?? 'localhost'}:${conn.port ?? defaultPort}${conn.schema ? `/${conn.schema}` : ''} and ran SELECT 1`;
};

const testPostgres = sqlTester(SqlHook, 5432);
const testMySql = sqlTester(MySqlHook, 3306);

const testSmtp: Tester = async (conn, signal) => {
  const smtp = smtpFromConnection(conn, 'localhost');
  if (!smtp) throw new Error('the connection has no host');
  const transport = createSmtpTransport(smtp, { connectMs: CONNECTION_TEST_TIMEOUT_MS, socketMs: CONNECTION_TEST_TIMEOUT_MS });
  const abort = () => transport.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await transport.verify();
  } finally {
    signal.removeEventListener('abort', abort);
    transport.close();
  }
  return `SMTP server ${smtp.host}:${smtp.port} accepted the handshake${smtp.user ? ' and the login' : ''}`;
};

const testAmqp: Tester = async (conn, signal) => {
  const hook = new AmqpHook(conn, { signal, log: quiet });
  try {
    return await hook.checkConnection();
  } finally {
    await hook.close();
  }
};

// ListBuckets is signed, so wrong credentials are refused, and it touches no bucket the connection may not know.
const testAws: Tester = async (conn, signal) => {
  const { endpoint, region } = awsClientConfig(conn);
  const buckets = await new S3Hook(conn, { signal, log: quiet }).listBuckets();
  return `S3 at ${endpoint ?? `region ${region}`} answered ListBuckets (${buckets.length} bucket${buckets.length === 1 ? '' : 's'})`;
};

const TESTERS: Record<string, Tester> = {
  http: testHttp,
  https: testHttp,
  postgres: testPostgres,
  postgresql: testPostgres,
  mysql: testMySql,
  smtp: testSmtp,
  email: testSmtp,
  amqp: testAmqp,
  aws: testAws,
};

export const TESTABLE_CONN_TYPES = Object.keys(TESTERS);

/** Never throws: every failure, including a malformed connection, is a result with status false. */
export async function testConnection(conn: Connection, opts: { timeoutMs?: number } = {}): Promise<ConnectionTestResult> {
  const tester = TESTERS[conn.conn_type];
  if (!tester) {
    return {
      status: false,
      message: `Testing connections of type '${conn.conn_type}' is not supported; testable types: ${TESTABLE_CONN_TYPES.join(', ')}.`,
    };
  }
  const signal = AbortSignal.timeout(opts.timeoutMs ?? CONNECTION_TEST_TIMEOUT_MS);
  try {
    return { status: true, message: redact(conn, `Connection successfully tested: ${await tester(conn, signal)}.`) };
  } catch (error) {
    if (signal.aborted) return { status: false, message: `No answer within ${(opts.timeoutMs ?? CONNECTION_TEST_TIMEOUT_MS) / 1000} s.` };
    return { status: false, message: redact(conn, describe(error)) };
  }
}

/** A host written as a URL may carry `user:password@`, and drivers quote what they were given: neither goes back. */
function redact(conn: Connection, message: string): string {
  const noUserinfo = message.replace(/\/\/[^/@\s]+@/g, '//***@');
  return conn.password ? noUserinfo.split(conn.password).join('***') : noUserinfo;
}

function describe(error: unknown): string {
  const e = error as Error & { code?: string; response?: string };
  const detail = e.response ?? e.message ?? String(error);
  return e.code && !detail.includes(e.code) ? `${detail} (${e.code})` : detail;
}

