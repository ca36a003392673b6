// The HTTP gate on a real PGlite and real HTTP, with a fake clock: sign-in, sessions, CSRF, lockout, Basic auth and
// API tokens. Behind the gate is a stand-in for Next that echoes who the gate said the user is.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpGate } from '../../lib/api/http-gate';
import { createApiToken, revokeApiToken } from '../../lib/ops/auth/api-tokens';
import { RequestAuthenticator } from '../../lib/ops/auth/authenticate-request';
import { LOCKOUT, SIGN_IN_REFUSED, checkCredentials } from '../../lib/ops/auth/check-credentials';
import { PASSWORD_HASH_SLOTS, decoyHash } from '../../lib/ops/auth/password-hash';
import { FailureRateLimiter } from '../../lib/ops/auth/rate-limiter';
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
/** Every sign-in here would otherwise cost a 2^17 scrypt (~0.3 s, seconds on a loaded machine); the default cost
 *  is covered by tests/unit/auth/password-hash.test.ts and by the decoy hash unknown usernames are checked against. */
const CHEAP = { logN: 10, r: 8, p: 1 };

beforeAll(async () => {
  db = await createTestDb();
  const now = clock.now();
  for (const [username, role] of [['ada', 'Admin'], ['vic', 'Viewer'], ['ursula', 'User'], ['lock', 'User']] as const) {
    await createUser(db.prisma, { username, firstname: 'F', lastname: 'L', email: `${username}@example.com`, role, password: `${username}-password` }, now, CHEAP);
  }
  for (const username of ['burst', 'burst-basic']) {
    await createUser(db.prisma, { username, firstname: 'F', lastname: 'L', email: `${username}@example.com`, role: 'User', password: `${username}-password` }, now, CHEAP);
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

  it('refuses a cross-site login whose content type only mentions JSON (a simple request, sent without a preflight)', async () => {
    for (const type of ['text/plain; x=application/json', 'text/plain;application/json', 'application/jsonp']) {
      const res = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': type, origin: 'https://evil.example' },
        body: JSON.stringify({ username: 'ursula', password: 'ursula-password' }),
      });
      expect(res.status, type).toBe(403);
    }
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
    for (let i = 0; i < LOCKOUT.maxFailures; i++) expect((await login('lock', 'wrong')).headers.get('location')).toMatch(/error=invalid/);
    expect((await login('lock', 'lock-password')).headers.get('location')).toMatch(/error=invalid/);
    const api = await fetch(`${base}/api/v1/dags`, { headers: basic('lock', 'lock-password') });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { detail: string }).detail).toBe(SIGN_IN_REFUSED);
    clock.advance(LOCKOUT.lockMs + 1000);
    expect((await login('lock', 'lock-password')).headers.get('location')).toBe('/dags');
  });

  it('locks the account after a burst of 50 parallel wrong guesses and refuses the right password until the lock expires', async () => {
    const now = clock.now();
    const guesses = await Promise.all(Array.from({ length: 50 }, (_, i) => checkCredentials(db.prisma, 'burst', `guess-${i}`, now)));
    expect(guesses.every((g) => !g.ok)).toBe(true);
    const row = await db.prisma.user.findUniqueOrThrow({ where: { username: 'burst' } });
    expect(row.lockedUntil?.getTime()).toBe(now.getTime() + LOCKOUT.lockMs);

    expect((await checkCredentials(db.prisma, 'burst', 'burst-password', clock.now())).ok).toBe(false);
    clock.advance(LOCKOUT.lockMs - 1000);
    expect((await checkCredentials(db.prisma, 'burst', 'burst-password', clock.now())).ok).toBe(false);
    clock.advance(2000);
    expect((await checkCredentials(db.prisma, 'burst', 'burst-password', clock.now())).ok).toBe(true);
    const after = await db.prisma.user.findUniqueOrThrow({ where: { username: 'burst' } });
    expect([after.failedLogins, after.lockedUntil]).toEqual([0, null]);
  });

  it('answers a locked account exactly as an unknown username, after the same one password hash', async () => {
    await decoyHash();
    const hashes = vi.spyOn(PASSWORD_HASH_SLOTS, 'run');
    try {
      const now = clock.now();
      for (let i = 0; i < LOCKOUT.maxFailures; i++) await checkCredentials(db.prisma, 'burst', 'wrong', now);
      hashes.mockClear();
      const locked = await checkCredentials(db.prisma, 'burst', 'burst-password', now);
      expect(hashes).toHaveBeenCalledTimes(1);
      const unknown = await checkCredentials(db.prisma, 'nobody-at-all', 'burst-password', now);
      expect(hashes).toHaveBeenCalledTimes(2);
      expect(locked).toEqual(unknown);
    } finally {
      hashes.mockRestore();
      clock.advance(LOCKOUT.lockMs + 1000);
    }
  });

  it('counts parallel HTTP Basic guesses too: the address is throttled past its limit and the account locked', async () => {
    const limiter = new FailureRateLimiter(clock, 20, 5 * 60_000);
    const auth = new RequestAuthenticator(db.prisma, clock, limiter);
    const attempt = (password: string, clientKey: string) =>
      auth.authenticate({ authorization: basic('burst-basic', password).authorization, cookies: {}, clientKey });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(`guess-${i}`, '10.0.0.9')));
    const statuses = answers.map((a) => (a.kind === 'rejected' ? a.status : a.kind));
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    // From another address the right password meets the lock, with the answer a wrong password gets.
    expect(await attempt('burst-basic-password', '10.0.0.10')).toEqual({ kind: 'rejected', status: 401, detail: SIGN_IN_REFUSED });
    clock.advance(LOCKOUT.lockMs + 1000);
    expect((await attempt('burst-basic-password', '10.0.0.10')).kind).toBe('authenticated');
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
    await resetPassword(db.prisma, 'ada', 'ada-password-2', clock.now(), { audit: { via: 'cli', owner: 'ops' } });
    expect((await fetch(`${base}/api/v1/dags`, { headers: old })).status).toBe(401);
    expect((await fetch(`${base}/api/v1/dags`, { headers: basic('ada', 'ada-password-2') })).status).toBe(200);
  });

  it('accepts an API token until it is revoked or expires, and strips forged identity headers', async () => {
    const { token, summary } = await createApiToken(db.prisma, { username: 'ursula', name: 'ci' }, clock.now(), { via: 'cli', owner: 'ops' });
    expect(token).toMatch(/^ff_[\w-]{43}$/);
    const stored = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(stored.tokenHash).not.toContain(token.slice(3));
    const auth = { authorization: `Bearer ${token}` };
    const res = await fetch(`${base}/api/v1/dags`, { headers: { ...auth, 'x-flashflow-role': 'Admin' } });
    expect(await res.json()).toEqual({ user: 'ursula', role: 'User' });
    await revokeApiToken(db.prisma, summary.id, clock.now(), { via: 'cli', owner: 'ops' });
    expect((await fetch(`${base}/api/v1/dags`, { headers: auth })).status).toBe(401);

    const short = await createApiToken(db.prisma, { username: 'ursula', name: 'short', expires_at: new Date(clock.now().getTime() + 60_000) }, clock.now(), { via: 'cli', owner: 'ops' });
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
