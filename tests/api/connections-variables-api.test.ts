// /api/v1/connections and /api/v1/variables over real HTTP, every answer checked against the served OpenAPI
// document (which declares no password field, so a leaked password fails the check as well as the assertions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiClient } from './support/openapi-client';
import { unexercisedOperations } from './support/operation-coverage';
import { expectProblem } from './support/expect-problem';
import { startApiServer, type ApiServer } from './support/api-server';
import { freePort } from '../support/cli-harness';
import { startHttpSink, type HttpSink } from '../support/http-sink';

type Json = Record<string, unknown>;

let server: ApiServer;
let api: OpenApiClient;

beforeAll(async () => {
  server = await startApiServer();
  api = await OpenApiClient.connect(server.baseUrl, server.auth);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const SECRET = 's3cr3t-pa55word';
const EXTRA_SECRET = 'tok-123456';

describe('/api/v1/connections', () => {
  it('creates, reads, lists, updates and deletes a connection, never answering its password', async () => {
    const created = await api.post('/connections', {
      connection_id: 'api_conn',
      conn_type: 'http',
      host: 'example.com',
      login: 'me',
      password: SECRET,
      port: 8443,
      schema: 'https',
      description: 'the example API',
      extra: JSON.stringify({ timeout: 5, api_key: EXTRA_SECRET }),
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toEqual({
      connection_id: 'api_conn',
      conn_type: 'http',
      description: 'the example API',
      host: 'example.com',
      login: 'me',
      schema: 'https',
      port: 8443,
      extra: JSON.stringify({ timeout: 5, api_key: '***' }),
    });
    expect(created.text).not.toContain(SECRET);
    expect(created.text).not.toContain(EXTRA_SECRET);

    const one = await api.get('/connections/api_conn');
    expect(one.status).toBe(200);
    expect(one.body).toEqual(created.body);
    expect(one.text).not.toContain(SECRET);

    await api.post('/connections', { connection_id: 'api_conn_2', conn_type: 'postgres', password: SECRET });
    const list = await api.get<{ connections: Json[]; total_entries: number }>('/connections');
    expect(list.status).toBe(200);
    expect(list.body.total_entries).toBe(2);
    expect(list.body.connections.map((c) => c.connection_id)).toEqual(['api_conn', 'api_conn_2']);
    expect(list.text).not.toContain(SECRET);
    for (const c of list.body.connections) expect(c).not.toHaveProperty('password');

    const paged = await api.get<{ connections: Json[]; total_entries: number }>('/connections?limit=1&offset=1');
    expect(paged.body.total_entries).toBe(2);
    expect(paged.body.connections.map((c) => c.connection_id)).toEqual(['api_conn_2']);

    const patched = await api.patch('/connections/api_conn?update_mask=host,password', { host: 'other.example.com', password: 'new-one', port: 1 });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ connection_id: 'api_conn', host: 'other.example.com', port: 8443, login: 'me' });
    expect(patched.text).not.toContain('new-one');

    const cleared = await api.patch('/connections/api_conn', { connection_id: 'api_conn', description: null });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body).toMatchObject({ description: null, host: 'other.example.com' });

    expect((await api.delete('/connections/api_conn')).status).toBe(204);
    expect((await api.delete('/connections/api_conn_2')).status).toBe(204);
    expectProblem(await api.get('/connections/api_conn'), 404, /api_conn/);
  });

  it('answers 404 for unknown connections, 409 for duplicates, 400 naming the fields', async () => {
    expectProblem(await api.get('/connections/nope'), 404, /nope.*not found/);
    expectProblem(await api.patch('/connections/nope', { host: 'x' }), 404, /nope/);
    expectProblem(await api.delete('/connections/nope'), 404, /nope/);

    expect((await api.post('/connections', { connection_id: 'dup', conn_type: 'http' })).status).toBe(200);
    expectProblem(await api.post('/connections', { connection_id: 'dup', conn_type: 'http' }), 409, /dup.*already exists/);

    const missing = expectProblem(await api.post('/connections', { connection_id: 'bad id!' }), 400, /./);
    expect(missing.fields?.map((f) => f.path).sort()).toEqual(['conn_type', 'connection_id']);

    const unknown = expectProblem(await api.post('/connections', { connection_id: 'x', conn_type: 'http', passwd: 'p' }), 400, /./);
    expect(unknown.fields?.length).toBeGreaterThan(0);

    const extra = expectProblem(await api.post('/connections', { connection_id: 'x', conn_type: 'http', extra: '[1]' }), 400, /extra/);
    expect(extra.fields?.map((f) => f.path)).toEqual(['extra']);

    const rename = expectProblem(await api.patch('/connections/dup', { connection_id: 'other' }), 400, /renamed/);
    expect(rename.fields?.map((f) => f.path)).toEqual(['connection_id']);
    const mask = expectProblem(await api.patch('/connections/dup?update_mask=host', { port: 80 }), 400, /update_mask/);
    expect(mask.fields?.map((f) => f.path)).toEqual(['update_mask']);
    expectProblem(await api.get('/connections?order_by=host'), 400, /host/);

    expect((await api.delete('/connections/dup')).status).toBe(204);
  });
});

describe('POST /api/v1/connections/test', () => {
  let web: HttpSink;
  beforeAll(async () => {
    web = await startHttpSink();
  });
  afterAll(async () => {
    await web?.close();
  });

  it('tries an http connection against a real server and stores nothing', async () => {
    const port = Number(new URL(web.url).port);
    const before = web.requests.length;
    const ok = await api.post('/connections/test', {
      connection_id: 'probe', conn_type: 'http', host: '127.0.0.1', port, schema: 'ping', login: 'me', password: SECRET,
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({ status: true, message: expect.stringMatching(/successfully tested.*\/ping answered 200/) });
    expect(ok.text).not.toContain(SECRET);
    const seen = web.requests.slice(before);
    expect(seen.map((r) => [r.method, r.path])).toEqual([['GET', '/ping']]);
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`me:${SECRET}`).toString('base64')}`);
    expectProblem(await api.get('/connections/probe'), 404, /probe/);

    web.respondWith(500);
    const failing = await api.post('/connections/test', { connection_id: 'probe', conn_type: 'http', host: '127.0.0.1', port });
    expect(failing.status).toBe(200);
    expect(failing.body).toEqual({ status: false, message: expect.stringMatching(/HTTP 500/) });
  });

  it('answers status false for a refused port and for types it cannot test, 400 for a malformed connection', async () => {
    const closed = await freePort();
    const refused = await api.post('/connections/test', { connection_id: 'probe', conn_type: 'http', host: '127.0.0.1', port: closed });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ status: false, message: expect.stringMatching(/ECONNREFUSED/) });
    const pg = await api.post('/connections/test', { connection_id: 'probe', conn_type: 'postgres', host: '127.0.0.1', port: closed });
    expect(pg.body).toEqual({ status: false, message: expect.stringMatching(/ECONNREFUSED/) });

    const ftp = await api.post('/connections/test', { connection_id: 'probe', conn_type: 'ftp', host: '127.0.0.1' });
    expect(ftp.body).toEqual({ status: false, message: expect.stringMatching(/'ftp' is not supported/) });

    const bad = expectProblem(await api.post('/connections/test', { connection_id: 'probe', port: 0 }), 400, /./);
    expect(bad.fields?.map((f) => f.path).sort()).toEqual(['conn_type', 'port']);
    expectProblem(await api.post('/connections/test', { connection_id: 'probe', conn_type: 'http', extra: '[1]' }), 400, /extra/);
  });

  it("still serves a connection called 'test' at /connections/test", async () => {
    expect((await api.post('/connections', { connection_id: 'test', conn_type: 'http', host: 'example.com' })).status).toBe(200);
    const one = await api.get('/connections/test');
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({ connection_id: 'test', host: 'example.com' });
    const patched = await api.patch('/connections/test', { host: 'other.example.com' });
    expect(patched.body).toMatchObject({ host: 'other.example.com' });
    expect((await api.delete('/connections/test')).status).toBe(204);
    expectProblem(await api.get('/connections/test'), 404, /test/);
  });
});

describe('/api/v1/variables', () => {
  it('creates, reads, lists, updates and deletes a variable', async () => {
    const created = await api.post('/variables', { key: 'region', value: 'eu-west-1', description: 'where to run' });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toEqual({ key: 'region', value: 'eu-west-1', description: 'where to run' });
    expect((await api.post('/variables', { key: 'answer', value: '42' })).body).toEqual({ key: 'answer', value: '42', description: null });

    expect((await api.get('/variables/region')).body).toEqual(created.body);

    const list = await api.get<{ variables: Json[]; total_entries: number }>('/variables');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      variables: [{ key: 'answer', description: null }, { key: 'region', description: 'where to run' }],
      total_entries: 2,
    });
    const desc = await api.get<{ variables: Json[]; total_entries: number }>('/variables?order_by=-key&limit=1');
    expect(desc.body).toEqual({ variables: [{ key: 'region', description: 'where to run' }], total_entries: 2 });

    const patched = await api.patch('/variables/region', { key: 'region', value: 'us-east-1' });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toEqual({ key: 'region', value: 'us-east-1', description: 'where to run' });
    const masked = await api.patch('/variables/region?update_mask=description', { value: 'ignored', description: null });
    expect(masked.body).toEqual({ key: 'region', value: 'us-east-1', description: null });

    expect((await api.delete('/variables/region')).status).toBe(204);
    expect((await api.delete('/variables/answer')).status).toBe(204);
    expect((await api.get<{ total_entries: number }>('/variables')).body.total_entries).toBe(0);
  });

  it('answers 404 for unknown variables, 409 for duplicates, 400 naming the fields', async () => {
    expectProblem(await api.get('/variables/nope'), 404, /nope.*not found/);
    expectProblem(await api.patch('/variables/nope', { value: 'x' }), 404, /nope/);
    expectProblem(await api.delete('/variables/nope'), 404, /nope/);

    expect((await api.post('/variables', { key: 'dup', value: '1' })).status).toBe(200);
    expectProblem(await api.post('/variables', { key: 'dup', value: '2' }), 409, /dup.*already exists/);
    expect((await api.get('/variables/dup')).body).toMatchObject({ value: '1' });

    const missing = expectProblem(await api.post('/variables', { key: '' }), 400, /./);
    expect(missing.fields?.map((f) => f.path).sort()).toEqual(['key', 'value']);
    const rename = expectProblem(await api.patch('/variables/dup', { key: 'other' }), 400, /renamed/);
    expect(rename.fields?.map((f) => f.path)).toEqual(['key']);
    expectProblem(await api.get('/variables?order_by=value'), 400, /value/);

    expect((await api.delete('/variables/dup')).status).toBe(204);
  });
});

describe('the /connections and /variables pages', () => {
  it('list connections without their secrets and variables with secret-looking values hidden', async () => {
    await api.post('/connections', { connection_id: 'page_conn', conn_type: 'http', host: 'page.example', password: SECRET });
    await api.post('/variables', { key: 'page_api_token', value: 'very-secret-value' });
    await api.post('/variables', { key: 'page_plain', value: 'plain-visible-value' });
    const conns = await (await fetch(`${server.baseUrl}/connections`, { headers: server.auth })).text();
    expect(conns).toContain('page_conn');
    expect(conns).toContain('page.example');
    expect(conns).not.toContain(SECRET);
    const vars = await (await fetch(`${server.baseUrl}/variables`, { headers: server.auth })).text();
    expect(vars).toContain('page_api_token');
    expect(vars).toContain('plain-visible-value');
    expect(vars).not.toContain('very-secret-value');
    for (const p of ['/connections/page_conn', '/variables/page_api_token', '/variables/page_plain']) {
      expect((await api.delete(p)).status).toBe(204);
    }
  });
});

describe('coverage', () => {
  it('every documented connection and variable operation was exercised with its success status', () => {
    expect(unexercisedOperations(api, (path) => /^\/(connections|variables)(\/|$)/.test(path))).toEqual([]);
  });
});
