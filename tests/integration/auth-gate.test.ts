// The HTTP gate on a real PGlite and real HTTP, with a fake clock: sign-in, sessions, CSRF, lockout, Basic auth and
// API tokens. Behind the gate is a stand-in for Next that echoes who the gate said the user is.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpGate } from '../../lib/api/http-gate';
import { createApiToken, revokeApiToken } from '../../lib/ops/auth/api-tokens';
import { LOCKOUT } from '../../lib/ops/auth/check-credentials';
import { SESSION_TTL_MS } from '../../lib/ops/auth/sessions';
import { createUser, deleteUser, resetPassword } from '../../lib/ops/auth/user-accounts';
import type { Database } from '../../lib/store/database';
import { FakeClock } from '../support/fake-clock';
import { createTestDb } from '../support/test-db';

let db: Database;
let server: http.Server;
let base: string;
const clock = new FakeClock('2026-11-25T12:00:00Z');

const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

beforeAll(async () => {
  db = await createTestDb();
  const now = clock.now();
  for (const [username, role] of [['ada', 'Admin'], ['vic', 'Viewer'], ['ursula', 'User'], ['lock', 'User']] as const) {
    await createUser(db.prisma, { username, firstname: 'F', lastname: 'L', email: `${username}@example.com`, role, password: `${username}-password` }, now);
  }
  const gate = createHttpGate({ db: db.prisma, clock, secureCookies: false });
  server = http.createServer((req, res) => {
    void gate(req, res).then((pass) => {
      if (!pass) return;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ user: req.headers['x-flashflow-user'] ?? null, role: req.headers['x-flashflow-role'] ?? null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await db.close();
});

async function login(username: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/auth/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...headers },
    body: new URLSearchParams({ username, password, next: '/dags' }).toString(),
  });
}

function cookiesOf(res: Response): Record<string, string> {
  return Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]));
}

describe('browser sign-in', () => {
  it('sets an httpOnly SameSite session cookie and a readable CSRF cookie, then redirects to where the user was going', async () => {
    const res = await login('Ursula', 'ursula-password');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dags');
    const raw = res.headers.getSetCookie();
    expect(raw.find((c) => c.startsWith('flashflow_session='))).toMatch(/HttpOnly; *$|HttpOnly/);
    expect(raw.find((c) => c.startsWith('flashflow_session='))).toMatch(/SameSite=Lax/);
    expect(raw.find((c) => c.startsWith('flashflow_csrf='))).not.toMatch(/HttpOnly/);
    const c = cookiesOf(res);
    const me = await fetch(`${base}/dags`, { headers: { cookie: `flashflow_session=${c.flashflow_session}` } });
    expect(await me.json()).toEqual({ user: 'ursula', role: 'User' });
  });

  it('sends a wrong password back to the form with a message, and never says which part was wrong', async () => {
    const res = await login('ursula', 'nope');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?error=invalid&next=%2Fdags');
    expect((await login('nobody-here', 'nope')).headers.get('location')).toBe('/login?error=invalid&next=%2Fdags');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('refuses a login form posted from another site', async () => {
    const res = await login('ursula', 'ursula-password', { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('ends the session at sign-out and after 12 idle hours', async () => {
    const c = cookiesOf(await login('vic', 'vic-password'));
    const cookie = `flashflow_session=${c.flashflow_session}`;
    clock.advance(SESSION_TTL_MS - 60_000);
    expect((await fetch(`${base}/decks`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    const out = await fetch(`${base}/auth/logout`, { method: 'POST', headers: { cookie, origin: base }, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect((await fetch(`${base}/decks`, { headers: { cookie }, redirect: 'manual' })).status).toBe(303);

    const idle = cookiesOf(await login('vic', 'vic-password'));
    clock.advance(SESSION_TTL_MS + 1000);
    const res = await fetch(`${base}/decks`, { headers: { cookie: `flashflow_session=${idle.flashflow_session}` }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdecks');
  });
});

describe('CSRF', () => {
  it('rejects a state-changing API call from a session without the X-CSRF-Token header, or from another origin', async () => {
    const c = cookiesOf(await login('ursula', 'ursula-password'));
    const cookie = `flashflow_session=${c.flashflow_session}`;
    const without = await fetch(`${base}/api/v1/dags/x`, { method: 'PATCH', headers: { cookie, origin: base } });
    expect(without.status).toBe(403);
    expect(((await without.json()) as { detail: string }).detail).toMatch(/CSRF token/);
    const wrong = await fetch(`${base}/api/v1/dags/x`, { method: 'PATCH', headers: { cookie, origin: base, 'x-csrf-token': 'guess' } });
    expect(wrong.status).toBe(403);
    const foreign = await fetch(`${base}/api/v1/dags/x`, { method: 'PATCH', headers: { cookie, origin: 'https://evil.example', 'x-csrf-token': c.flashflow_csrf! } });
    expect(foreign.status).toBe(403);
    const ok = await fetch(`${base}/api/v1/dags/x`, { method: 'PATCH', headers: { cookie, origin: base, 'x-csrf-token': decodeURIComponent(c.flashflow_csrf!) } });
    expect(ok.status).toBe(200);
    // Reads need no token.
    expect((await fetch(`${base}/api/v1/dags`, { headers: { cookie } })).status).toBe(200);
  });

  it('does not ask scripts with Basic or token credentials for a CSRF token', async () => {
    expect((await fetch(`${base}/api/v1/dags/x`, { method: 'PATCH', headers: basic('ursula', 'ursula-password') })).status).toBe(200);
  });
});

describe('lockout', () => {
  it(`locks an account for ${LOCKOUT.lockMs / 60_000} minutes after ${LOCKOUT.maxFailures} wrong passwords, even for the right one`, async () => {
    for (let i = 0; i < LOCKOUT.maxFailures - 1; i++) expect((await login('lock', 'wrong')).headers.get('location')).toMatch(/error=invalid/);
    expect((await login('lock', 'wrong')).headers.get('location')).toMatch(/error=locked/);
    expect((await login('lock', 'lock-password')).headers.get('location')).toMatch(/error=locked/);
    const api = await fetch(`${base}/api/v1/dags`, { headers: basic('lock', 'lock-password') });
    expect(api.status).toBe(429);
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(LOCKOUT.lockMs + 1000);
    expect((await login('lock', 'lock-password')).headers.get('location')).toBe('/dags');
  });
});

describe('API credentials', () => {
  it('answers 401 problem+json without credentials and 403 for a role below the path\'s', async () => {
    const none = await fetch(`${base}/api/v1/dags`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const viewer = await fetch(`${base}/api/v1/dags/x/dagRuns`, { method: 'POST', headers: basic('vic', 'vic-password') });
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { detail: string }).detail).toBe('vic has the Viewer role; POST /api/v1/dags/x/dagRuns needs User or above');
    expect((await fetch(`${base}/api/v1/dags`, { headers: basic('vic', 'wrong') })).status).toBe(401);
  });

  it('stops accepting a Basic password as soon as it is reset', async () => {
    const old = basic('ada', 'ada-password');
    expect((await fetch(`${base}/api/v1/dags`, { headers: old })).status).toBe(200);
    await resetPassword(db.prisma, 'ada', 'ada-password-2', clock.now());
    expect((await fetch(`${base}/api/v1/dags`, { headers: old })).status).toBe(401);
    expect((await fetch(`${base}/api/v1/dags`, { headers: basic('ada', 'ada-password-2') })).status).toBe(200);
  });

  it('accepts an API token until it is revoked or expires, and strips forged identity headers', async () => {
    const { token, summary } = await createApiToken(db.prisma, { username: 'ursula', name: 'ci' }, clock.now());
    expect(token).toMatch(/^ff_[\w-]{43}$/);
    const stored = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(stored.tokenHash).not.toContain(token.slice(3));
    const auth = { authorization: `Bearer ${token}` };
    const res = await fetch(`${base}/api/v1/dags`, { headers: { ...auth, 'x-flashflow-role': 'Admin' } });
    expect(await res.json()).toEqual({ user: 'ursula', role: 'User' });
    await revokeApiToken(db.prisma, summary.id, clock.now());
    expect((await fetch(`${base}/api/v1/dags`, { headers: auth })).status).toBe(401);

    const short = await createApiToken(db.prisma, { username: 'ursula', name: 'short', expires_at: new Date(clock.now().getTime() + 60_000) }, clock.now());
    expect((await fetch(`${base}/api/v1/dags`, { headers: { authorization: `Bearer ${short.token}` } })).status).toBe(200);
    clock.advance(61_000);
    expect((await fetch(`${base}/api/v1/dags`, { headers: { authorization: `Bearer ${short.token}` } })).status).toBe(401);
  });

  it('refuses to delete the last Admin', async () => {
    await expect(deleteUser(db.prisma, 'ada')).rejects.toThrow(/last Admin/);
  });

  it('sets security headers on every answer', async () => {
    const res = await fetch(`${base}/api/v1/health`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses oversized request bodies before reading them', async () => {
    const res = await fetch(`${base}/api/v1/dags/x/dagRuns`, { method: 'POST', headers: { ...basic('ursula', 'ursula-password'), 'content-type': 'application/json' }, body: 'x'.repeat(3 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });
});
