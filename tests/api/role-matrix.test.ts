// Every endpoint the served OpenAPI document lists, against a real `flashflow standalone`: 401 without
// credentials, 403 with an API token of the role just below the one the endpoint needs, and past the gate (any
// status but 401/403) with the role it needs. Path parameters are ids that do not exist, so nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../lib/ops/auth/roles';
import { fixturePath, runCli } from '../support/cli-harness';
import { startApiServer, type ApiServer } from './support/api-server';
import { OpenApiClient } from './support/openapi-client';

let server: ApiServer;
let api: OpenApiClient;
const tokens = {} as Record<Role, Record<string, string>>;

async function cli(...args: string[]): Promise<string> {
  const r = await runCli(args, { home: server.home, dagsFolder: fixturePath('dags-api'), timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`flashflow ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  server = await startApiServer();
  api = await OpenApiClient.connect(server.baseUrl, server.auth);
  for (const role of ROLES) {
    const username = `matrix-${role.toLowerCase()}`;
    await cli('users', 'create', '-u', username, '-f', role, '-l', 'Tester', '-r', role, '-e', `${username}@example.com`, '-p', 'matrix-password');
    const { token } = JSON.parse(await cli('tokens', 'create', '-u', username, '-n', 'matrix', '-o', 'json')) as { token: string };
    tokens[role] = { authorization: `Bearer ${token}` };
  }
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

interface Operation {
  method: string;
  template: string;
  role: Role | null;
}

function operations(): Operation[] {
  return Object.entries(api.doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const o = op as { security?: unknown[]; 'x-flashflow-role'?: Role };
      return { method: method.toUpperCase(), template, role: o.security?.length === 0 ? null : (o['x-flashflow-role'] ?? null) };
    }),
  );
}

const concrete = (template: string) => template.replace(/\{[^}]+\}/g, '424242');
const bodyFor = (method: string) => (method === 'GET' || method === 'DELETE' ? undefined : {});

describe('the role matrix', () => {
  it('covers every operation of the document, each public or with a role', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(40);
    const publicOps = ops.filter((o) => o.role === null).map((o) => `${o.method} ${o.template}`).sort();
    expect(publicOps).toEqual(['GET /health', 'GET /version']);
  });

  it('answers 401 without credentials, 403 for the role below, and lets the needed role through, on every endpoint', async () => {
    const failures: string[] = [];
    for (const op of operations()) {
      const path = concrete(op.template);
      const name = `${op.method} ${op.template}`;
      const call = (headers: Record<string, string>) => api.as(headers).request(op.method, path, { body: bodyFor(op.method) });
      if (op.role === null) {
        const r = await call({});
        if (r.status === 401 || r.status === 403) failures.push(`${name}: public, but ${r.status} without credentials`);
        continue;
      }
      const anonymous = await call({});
      if (anonymous.status !== 401) failures.push(`${name}: ${anonymous.status} without credentials, expected 401`);
      const below = ROLES[ROLES.indexOf(op.role) - 1];
      if (below) {
        const r = await call(tokens[below]);
        if (r.status !== 403) failures.push(`${name}: ${r.status} for ${below}, expected 403`);
      }
      const allowed = await call(tokens[op.role]);
      if (allowed.status === 401 || allowed.status === 403) failures.push(`${name}: ${allowed.status} for ${op.role}, which it needs`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('keeps pages for Op (connections) and Admin from lower roles, and /metrics from anonymous scrapers', async () => {
    const page = (path: string, headers: Record<string, string>) => fetch(`${server.baseUrl}${path}`, { headers, redirect: 'manual' });
    const refused = await page('/connections', tokens.User);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toContain('matrix-user has the User role; GET /connections needs Op or above');
    expect((await page('/connections', tokens.Op)).status).toBe(200);
    expect((await page('/dags', tokens.Viewer)).status).toBe(200);
    expect((await page('/metrics', {})).status).toBe(401);
    expect((await page('/metrics', tokens.Viewer)).status).toBe(200);
  });

  it('records who acted in the event log', async () => {
    await api.as(tokens.User).patch('/dags/api_basic', { is_paused: true });
    const log = await api.get<{ event_logs: Array<{ event: string; owner: string }> }>('/eventLogs?event=api.patch_dag&owner=matrix-user');
    expect(log.body.event_logs.map((e) => [e.event, e.owner])).toContainEqual(['api.patch_dag', 'matrix-user']);
  });

  it('revokes a token at once: `flashflow tokens revoke` through the running server', async () => {
    const { token, id } = JSON.parse(await cli('tokens', 'create', '-u', 'matrix-viewer', '-n', 'short-lived', '-o', 'json')) as { token: string; id: number };
    const headers = { authorization: `Bearer ${token}` };
    expect((await api.as(headers).get('/dags')).status).toBe(200);
    expect(await cli('tokens', 'revoke', String(id))).toContain('revoked');
    expect((await api.as(headers).get('/dags')).status).toBe(401);
  });
});
