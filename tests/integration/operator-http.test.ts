// The http operator end to end: a real LocalExecutor runs tasks of a DAG file; their connections come from the
// `connections.get` service (table on PGlite, encrypted, and FLASHFLOW_CONN_* variables); the API is a real HTTP
// server on 127.0.0.1 that records what it receives.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskJob } from '../../lib/engine/executor-port';
import type { LocalExecutor } from '../../lib/executors/local/local-executor';
import { http } from '../../lib/operators/http';
import { SecretBox } from '../../lib/secrets/secret-box';
import { createConnection } from '../../lib/store/connections';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';
import { startConnectionExecutor, type EventRecorder, taskJob } from './executor-harness';

const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/connection-operators.ts', import.meta.url));
const job = (taskId: string): TaskJob => taskJob(taskId, { dagId: 'http_operators', fileloc: FIXTURE });

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const seen: Seen[] = [];
let flakyCalls = 0;

const server: Server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(value));
    };
    const path = new URL(req.url!, 'http://x').pathname;
    if (path === '/items/1') return json(200, { id: 1, word: 'chat', query: new URL(req.url!, 'http://x').search });
    if (path === '/plain') return res.writeHead(200, { 'content-type': 'text/plain' }).end('bonjour');
    if (path === '/echo') return json(201, { received: JSON.parse(body) as unknown, contentType: req.headers['content-type'] });
    if (path === '/missing') return res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such item: ${path}`);
    if (path === '/boom') return res.writeHead(500).end(`database exploded ${'x'.repeat(2000)}`);
    if (path === '/busy') return res.writeHead(429, { 'retry-after': '1' }).end('slow down');
    if (path === '/whoami') return json(200, { authorization: req.headers.authorization ?? null });
    if (path === '/flaky') return ++flakyCalls < 3 ? res.writeHead(503).end('warming up') : json(200, { calls: flakyCalls });
    if (path === '/slow') return void setTimeout(() => json(200, { late: true }), 2_000);
    res.writeHead(418).end();
  });
});

let db: Database;
let executor: LocalExecutor;
let recorder: EventRecorder;
let baseUrl: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  // A port that was free a moment ago: nothing listens there.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));

  db = await createTestDb();
  const secrets = new SecretBox([randomBytes(32)]);
  await createConnection(db.prisma, secrets, {
    conn_id: 'test_api', conn_type: 'http', host: '127.0.0.1', port, extra: { headers: { 'X-Api-Version': '2' } },
  });
  await createConnection(db.prisma, secrets, { conn_id: 'test_api_down', conn_type: 'http', host: '127.0.0.1', port: closedPort });
  // Also in the table with other credentials: the environment must win.
  await createConnection(db.prisma, secrets, { conn_id: 'test_api_auth', conn_type: 'http', host: '127.0.0.1', port, login: 'db-user', password: 'db-pass' });
  const env = { FLASHFLOW_CONN_TEST_API_AUTH: `http://flash%40user:p%C3%A4ss%3Aword@127.0.0.1:${port}` };

  ({ executor, recorder } = await startConnectionExecutor(db, secrets, env));
});

afterAll(async () => {
  await executor?.stop();
  await db?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const lastRequest = (path: string) => seen.filter((s) => s.url.startsWith(path)).at(-1)!;

describe('http operator', () => {
  it('GETs base URL + endpoint with data as query parameters and returns the parsed JSON as XCom', async () => {
    const { finished, events } = await recorder.run(job('get_json'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: { id: 1, word: 'chat', query: '?verbose=yes&tag=a&tag=b' } });
    const request = lastRequest('/items/1');
    expect(request.method).toBe('GET');
    expect(request.headers['x-api-version']).toBe('2');
    expect(request.headers.authorization).toBeUndefined();
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    expect(logs).toContain(`INFO - GET ${baseUrl}/items/1?verbose=yes&tag=a&tag=b`);
    expect(logs.some((l) => /→ 200 OK in \d+ ms$/.test(l))).toBe(true);
  });

  it('returns a text body as text', async () => {
    const { finished } = await recorder.run(job('get_text'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: 'bonjour' });
  });

  it('POSTs data as JSON with the task headers on top of the connection headers', async () => {
    const { finished } = await recorder.run(job('post_json'));
    expect(finished.outcome).toEqual({
      status: 'success',
      xcom: { received: { word: 'chat' }, contentType: 'application/json' },
    });
    const request = lastRequest('/echo');
    expect(request).toMatchObject({ method: 'POST', body: '{"word":"chat"}' });
    expect(request.headers).toMatchObject({ 'x-trace': 'abc', 'x-api-version': '2' });
  });

  it('fails a 404 without retry, with the status and the start of the body', async () => {
    const { finished } = await recorder.run(job('not_found'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'NonRetriableError', retriable: false, message: `HTTP 404 Not Found from GET ${baseUrl}/missing: no such item: /missing` },
    });
  });

  it('fails a 500 retriably, keeping only the first part of a long body', async () => {
    const { finished } = await recorder.run(job('server_error'));
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'HttpStatusError', retriable: true } });
    const message = finished.outcome.status === 'failed' ? finished.outcome.error.message : '';
    expect(message).toMatch(new RegExp(`^HTTP 500 Internal Server Error from GET ${baseUrl}/boom: database exploded x+…$`));
    expect(message.length).toBeLessThan(700);
  });

  it('fails a 429 retriably', async () => {
    const { finished } = await recorder.run(job('too_many'));
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'HttpStatusError', retriable: true, message: expect.stringContaining('HTTP 429') } });
  });

  it('accepts the statuses responseCheck lists', async () => {
    const { finished } = await recorder.run(job('accepts_404'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: 'no such item: /missing' });
  });

  it('fails without retry when responseFilter json meets a body that is not JSON', async () => {
    const { finished } = await recorder.run(job('not_json'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'NonRetriableError', message: `http: the response of GET ${baseUrl}/plain is not JSON: bonjour` },
    });
  });

  it('fails retriably on a timeout and on a refused connection', async () => {
    const slow = await recorder.run(job('slow'));
    expect(slow.finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'HttpRequestError', retriable: true, message: `GET ${baseUrl}/slow failed: timed out after 200 ms` },
    });
    const refused = await recorder.run(job('refused'));
    expect(refused.finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'HttpRequestError', retriable: true, message: expect.stringMatching(/failed: ECONNREFUSED$/) },
    });
  });

  it("abandons the request when the try's execution timeout aborts it", async () => {
    const { finished } = await recorder.run({ ...job('slow'), executionTimeoutMs: 50 });
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'TimeoutError', retriable: true } });
  });

  it('sends Basic auth from the login and password of an environment connection, which wins over the table', async () => {
    const { finished, events } = await recorder.run(job('basic_auth'));
    const expected = `Basic ${Buffer.from('flash@user:päss:word').toString('base64')}`;
    expect(finished.outcome).toEqual({ status: 'success', xcom: { authorization: expected } });
    expect(lastRequest('/whoami').headers.authorization).toBe(expected);
    // The server echoes the header into the XCom; the log must not carry it.
    const logs = JSON.stringify(events.filter((e) => e.type === 'log'));
    expect(logs).not.toContain('päss');
    expect(logs).not.toContain(expected.slice(6));
  });

  it('fails without retry, naming the variable to set, when the connection does not exist', async () => {
    const { finished } = await recorder.run(job('unknown_conn'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: {
        name: 'NonRetriableError',
        retriable: false,
        message: "connection 'nowhere' is not defined: create it (UI, API or CLI) or set FLASHFLOW_CONN_NOWHERE",
      },
    });
  });

  it('lets a function task use the hook with retries inside the call when it asks for them', async () => {
    const { finished, events } = await recorder.run(job('hook_with_retry'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: { status: 200, body: { calls: 3 } } });
    const warnings = events.flatMap((e) => (e.type === 'log' && e.line.startsWith('WARNING') ? [e.line] : []));
    expect(warnings).toEqual([
      `WARNING - HTTP 503 Service Unavailable from GET ${baseUrl}/flaky: warming up; retrying in 10 ms (attempt 2 of 3)`,
      `WARNING - HTTP 503 Service Unavailable from GET ${baseUrl}/flaky: warming up; retrying in 20 ms (attempt 3 of 3)`,
    ]);
  });
});

describe('http() in a DAG file', () => {
  it('checks its arguments when the DAG file is imported', () => {
    expect(http({ connId: 'api', method: 'get', endpoint: 'x' })).toEqual({
      operator: 'http',
      args: { connId: 'api', method: 'GET', endpoint: 'x' },
    });
    expect(() => http({ connId: 'bad id', method: 'FETCH', endpoint: 'https://evil.example/steal', responseCheck: [] })).toThrow(
      /^http\(\): invalid arguments: connId: .*; method: .*; endpoint: must be a path relative to the connection, not an absolute URL; responseCheck: /,
    );
  });
});
