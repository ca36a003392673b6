// The per-address login limit behind a reverse proxy (FLASHFLOW_PROXY_HOPS=1), on the real gate and real HTTP: every
// request reaches the server from the proxy's one address, yet addresses are limited separately, and a client that
// writes its own X-Forwarded-For entry does not escape its limit.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpGate } from '../../lib/api/http-gate';
import { createUser } from '../../lib/ops/auth/user-accounts';
import type { Database } from '../../lib/store/database';
import { FakeClock } from '../support/fake-clock';
import { createTestDb } from '../support/test-db';

const LIMIT = 20;
const CHEAP = { logN: 10, r: 8, p: 1 };
let db: Database;
let server: http.Server;
let base: string;

beforeAll(async () => {
  const clock = new FakeClock('2026-11-25T12:00:00Z');
  db = await createTestDb();
  // Real accounts with a cheap scrypt cost: unknown usernames would each cost the 2^17 decoy hash (seconds apiece on
  // a loaded machine, past the test's timeout).
  for (let i = 0; i < LIMIT + 3; i++) {
    await createUser(db.prisma, { username: `guess${i}`, firstname: 'F', lastname: 'L', email: `guess${i}@example.com`, role: 'User', password: 'right-password' }, clock.now(), CHEAP);
  }
  const gate = createHttpGate({ db: db.prisma, clock, secureCookies: false, proxyHops: 1 });
  server = http.createServer((req, res) => {
    void gate(req, res).then((pass) => pass && res.end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await db.close();
});

let attempt = 0;
// A new account each time: the per-account lockout (5 failures) must not be what answers 429.
const wrongPassword = (forwardedFor: string) =>
  fetch(`${base}/api/v1/dags`, {
    headers: { authorization: `Basic ${Buffer.from(`guess${attempt++}:wrong`).toString('base64')}`, 'x-forwarded-for': forwardedFor },
  });

describe('per-address login limit behind one proxy', () => {
  it('limits the address the proxy saw, not the proxy, and ignores what the client wrote before it', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await wrongPassword('203.0.113.7')).status).toBe(401);
    expect((await wrongPassword('203.0.113.7')).status).toBe(429);
    expect((await wrongPassword('198.51.100.1, 203.0.113.7')).status).toBe(429);
    // Another client behind the same proxy is not throttled.
    expect((await wrongPassword('203.0.113.8')).status).toBe(401);
  });
});
