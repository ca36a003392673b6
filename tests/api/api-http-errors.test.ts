// How /api/v1 answers requests it cannot serve, over real HTTP against `flashflow standalone`: control characters
// in ids (400, never a 500 from the database), bodies that are not JSON (415), wrong methods (405 with Allow), an
// `instance` on every problem, health in Airflow 2.6+'s shape, and the run list and trigger that the web server
// serves before Next answering as Next would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiClient } from './support/openapi-client';
import { expectProblem, type Problem } from './support/expect-problem';
import { startApiServer, type ApiServer } from './support/api-server';

let server: ApiServer;
let api: OpenApiClient;

beforeAll(async () => {
  server = await startApiServer();
  api = await OpenApiClient.connect(server.baseUrl, server.auth);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** A raw request, for what the OpenAPI client cannot send (undeclared methods, bodies of other media types). */
async function raw(method: string, apiPath: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${server.baseUrl}/api/v1${apiPath}`, { method, headers: { ...server.auth, ...init.headers }, body: init.body });
  const text = await res.text();
  return { res, problem: (res.headers.get('content-type') === 'application/problem+json' ? JSON.parse(text) : null) as (Problem & { instance?: string }) | null, text };
}

const runCount = async () => (await api.get<{ total_entries: number }>('/dags/api_basic/dagRuns')).body.total_entries;

describe('control characters in a path or query', () => {
  it('answers 400 naming the character for a NUL in a DAG id, a run id or a task id, and in a query value', async () => {
    const dag = expectProblem(await api.get('/dags/api%00basic'), 400, /path segment "api\\u0000basic" contains the control character U\+0000/);
    expect((dag as { instance?: string }).instance).toBe('/api/v1/dags/api%00basic');
    expectProblem(await api.get('/dags/api_basic/dagRuns/run%00one'), 400, /U\+0000/);
    expectProblem(await api.get('/dags/api_basic/dagRuns/run%0Aone/taskInstances'), 400, /"run\\none" contains the control character U\+000A/);
    expectProblem(await api.delete('/dags/api_basic/dagRuns/r%1Bx'), 400, /U\+001B/);
    expectProblem(await api.get('/dags?dag_id_pattern=basic%00'), 400, /query parameter "dag_id_pattern"/);
  });

  it('answers 400, not 500, for a NUL inside a JSON body, naming the field', async () => {
    const p = expectProblem(await api.post('/dags/api_basic/dagRuns', { conf: { note: 'a\u0000b' } }), 400, /conf\.note contains a NUL character/);
    expect(p.fields).toEqual([{ path: 'conf.note', message: 'contains a NUL character' }]);
  });
});

describe('bodies that are not JSON', () => {
  it('answers 415 to a JSON document sent as text/plain or without a Content-Type, and creates nothing', async () => {
    const before = await runCount();
    const body = JSON.stringify({ dag_run_id: 'sent_as_text' });
    const sent: Array<Record<string, string>> = [{ 'content-type': 'text/plain' }, { 'content-type': 'text/plain; x=application/json' }, {}];
    for (const headers of sent) {
      const { res, problem } = await raw('POST', '/dags/api_basic/dagRuns', { body, headers });
      expect(res.status).toBe(415);
      expect(problem).toMatchObject({ status: 415, title: 'Unsupported Media Type', instance: '/api/v1/dags/api_basic/dagRuns' });
      expect(problem!.detail).toMatch(/send it as JSON with Content-Type: application\/json/);
    }
    expect(await runCount()).toBe(before);
    // The OpenAPI document declares it, so clients generated from it know the status.
    expect(Object.keys(api.doc.paths['/dags/{dag_id}/dagRuns']!.post!.responses)).toContain('415');
  });

  it('still takes an empty body without a Content-Type (curl -X POST without -d), as Airflow clients send', async () => {
    const { res, text } = await raw('POST', '/dags/api_basic/dagRuns', { body: '' });
    expect(res.status, text).toBe(200);
  });
});

describe('a method the path does not answer', () => {
  it('answers 405 in problem+json with the Allow header listing what the path answers', async () => {
    const put = await raw('PUT', '/dags/api_basic');
    expect(put.res.status).toBe(405);
    expect(put.res.headers.get('allow')).toBe('GET, HEAD, PATCH, OPTIONS');
    expect(put.problem).toMatchObject({ status: 405, title: 'Method Not Allowed', instance: '/api/v1/dags/api_basic' });
    expect(put.problem!.detail).toBe('/api/v1/dags/api_basic does not answer PUT; it answers GET, HEAD, PATCH, OPTIONS');

    const health = await raw('DELETE', '/health');
    expect(health.res.status).toBe(405);
    expect(health.res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    // A static segment that shadows a parameter answers the methods of both templates.
    expect((await raw('PUT', '/connections/test')).res.headers.get('allow')).toBe('GET, HEAD, POST, PATCH, DELETE, OPTIONS');
  });

  it('leaves unknown paths to the 404 catch-all', async () => {
    const { res, problem } = await raw('PUT', '/no/such/endpoint');
    expect(res.status).toBe(404);
    expect(problem?.instance).toBe('/api/v1/no/such/endpoint');
  });
});

describe('instance on every problem', () => {
  it('names the request path, without its query, whoever answers: the gate, the wrapper or the catch-all', async () => {
    const unauthenticated = await api.as({}).get('/dags?limit=1');
    expect((expectProblem(unauthenticated, 401, /authentication required/) as { instance?: string }).instance).toBe('/api/v1/dags');
    const missing = expectProblem(await api.get('/dags/no_such_dag'), 404, /not found/);
    expect((missing as { instance?: string }).instance).toBe('/api/v1/dags/no_such_dag');
    const invalid = expectProblem(await api.get('/dags?limit=-1&offset=2'), 400, /limit/);
    expect((invalid as { instance?: string }).instance).toBe('/api/v1/dags');
  });
});

describe('GET /health', () => {
  it('reports the DAG processor by its last parse of the folder, and the triggerer Flashflow does not run as null', async () => {
    const res = await api.get<Record<string, Record<string, string | null>>>('/health');
    expect(res.status).toBe(200);
    expect(res.body.triggerer).toEqual({ status: null, latest_triggerer_heartbeat: null });
    expect(res.body.dag_processor!.status).toBe('healthy');
    const beat = Date.parse(res.body.dag_processor!.latest_dag_processor_heartbeat!);
    expect(Date.now() - beat).toBeLessThan(120_000);
    expect(res.body.metadatabase).toEqual({ status: 'healthy' });
  });
});

describe('the run list and trigger, served before Next (direct-routes.ts)', () => {
  it('compresses a list for a client that accepts gzip, as Next does, and not for one that does not', async () => {
    for (let i = 0; i < 8; i++) await api.post('/dags/api_basic/dagRuns', { dag_run_id: `gzip_${i}`, note: 'a note long enough to make the page larger than a kibibyte' });
    const zipped = await fetch(`${server.baseUrl}/api/v1/dags/api_basic/dagRuns?limit=100`, { headers: { ...server.auth, 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/Accept-Encoding/);
    const list = (await zipped.json()) as { dag_runs: Array<{ dag_run_id: string }> };
    expect(list.dag_runs.map((r) => r.dag_run_id)).toEqual(expect.arrayContaining(['gzip_0', 'gzip_7']));
    const plain = await raw('GET', '/dags/api_basic/dagRuns?limit=100', { headers: { 'accept-encoding': 'identity' } });
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    // The same runs; their states may have moved on in between.
    const ids = (page: { dag_runs: Array<{ dag_run_id: string }> }) => page.dag_runs.map((r) => r.dag_run_id).sort();
    expect(ids(JSON.parse(plain.text) as typeof list)).toEqual(ids(list));
  });

  it('reads a percent-encoded DAG id, and refuses a chunked body past 2 MiB with 413 and creates nothing', async () => {
    expect((await api.get<{ total_entries: number }>('/dags/api%5Fbasic/dagRuns')).status).toBe(200);
    const before = await runCount();
    const huge = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"conf":{"x":"${'x'.repeat(3 * 1024 * 1024)}"}}`));
        controller.close();
      },
    });
    const res = await fetch(`${server.baseUrl}/api/v1/dags/api_basic/dagRuns`, {
      method: 'POST', headers: { ...server.auth, 'content-type': 'application/json' }, body: huge, duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ detail: 'the request body is larger than 2 MiB', instance: '/api/v1/dags/api_basic/dagRuns' });
    expect(await runCount()).toBe(before);
  });
});
