// Redirects of the HTTP hook against real servers on 127.0.0.1: two ports are two origins. Within the origin every
// header follows; to another origin the connection's headers (extra.headers, Basic auth) and any credential-named
// header stay behind; https → http is refused. Webhook posts (postJson) follow no redirect at all.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../lib/connections/connection-model';
import { HttpHook } from '../../lib/hooks/http-hook';
import { postJson } from '../../lib/hooks/post-json';
import { DeliveryError } from '../../lib/hooks/delivery-error';
import { RedirectRefusedError } from '../../lib/hooks/follow-redirects';

interface Seen { server: 'api' | 'other' | 'tls'; method: string; path: string; headers: IncomingHttpHeaders; body: string }
const seen: Seen[] = [];
let api: string;
let other: string;
let tls: string;
const servers: Server[] = [];
let certDir: string;

function recording(name: Seen['server'], route: (path: string, res: Parameters<RequestListener>[1]) => void): RequestListener {
  return (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ server: name, method: req.method!, path: req.url!, headers: req.headers, body });
      route(req.url!, res);
    });
  };
}

const redirect = (res: Parameters<RequestListener>[1], status: number, location: string) => res.writeHead(status, { location }).end();
const ok = (res: Parameters<RequestListener>[1]) => res.writeHead(200, { 'content-type': 'text/plain' }).end('landed');

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  other = `http://127.0.0.1:${await listen(createServer(recording('other', (_path, res) => ok(res))))}`;
  const apiRoutes = (path: string, res: Parameters<RequestListener>[1]) => {
    if (path === '/same') return redirect(res, 302, '/landing');
    if (path === '/away') return redirect(res, 302, `${other}/landing`);
    if (path === '/away-307') return redirect(res, 307, `${other}/landing`);
    if (path === '/away-303') return redirect(res, 303, `${other}/landing`);
    if (path === '/loop') return redirect(res, 302, '/loop');
    if (path === '/hook') return redirect(res, 301, `${other}/hook`);
    ok(res);
  };
  api = `http://127.0.0.1:${await listen(createServer(recording('api', apiRoutes)))}`;
  // A self-signed certificate for 127.0.0.1, trusted by this test process only.
  certDir = mkdtempSync(join(tmpdir(), 'ff-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
  const tlsServer = createHttpsServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) },
    recording('tls', (path, res) => (path === '/down' ? redirect(res, 302, `${other}/landing`) : path === '/ok-over-tls' ? ok(res) : redirect(res, 302, '/ok-over-tls'))));
  tls = `https://127.0.0.1:${await listen(tlsServer as unknown as Server)}`;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
});

afterAll(async () => {
  delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  rmSync(certDir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

const logged: string[] = [];
const ctx = { signal: new AbortController().signal, log: { info: (m: string, ...a: unknown[]) => logged.push([m, ...a].join(' ')), warn: () => {}, error: () => {} } };

function hook(host: string, extra: Record<string, unknown> = {}, login: string | null = 'bob'): HttpHook {
  const conn: Connection = {
    conn_id: 'redirecting_api', conn_type: 'http', description: null, host, schema: null, login, password: login ? 'hunter2-secret' : null, port: null,
    extra: JSON.stringify({ headers: { 'X-API-Key': 'key-from-extra', 'X-Api-Version': '2' }, ...extra }),
  };
  return new HttpHook(conn, ctx);
}

describe('HttpHook redirects', () => {
  it('keeps every header on a redirect within the origin', async () => {
    const response = await hook(api).run({ endpoint: 'same' });
    expect(response).toMatchObject({ status: 200, body: 'landed', url: `${api}/landing` });
    const landing = seen.find((s) => s.path === '/landing')!;
    expect(landing).toMatchObject({ server: 'api', headers: { 'x-api-key': 'key-from-extra', 'x-api-version': '2', authorization: expect.stringMatching(/^Basic /) } });
  });

  it('follows a redirect to another origin without the connection’s headers, auth or credential-named headers', async () => {
    const response = await hook(api).run({ endpoint: 'away', headers: { 'X-Request-Id': 'r-1', 'X-Auth-Token': 'caller-token' } });
    expect(response).toMatchObject({ status: 200, url: `${other}/landing` });
    expect(seen.map((s) => s.server)).toEqual(['api', 'other']);
    const landed = seen[1]!.headers;
    expect(landed['x-api-key']).toBeUndefined();
    expect(landed['x-api-version']).toBeUndefined();
    expect(landed.authorization).toBeUndefined();
    expect(landed['x-auth-token']).toBeUndefined();
    expect(landed['x-request-id']).toBe('r-1');
    expect(JSON.stringify(seen[1])).not.toContain('key-from-extra');
    expect(logged.at(-2)).toContain('another origin: without');
  });

  it('keeps method and body on 307, turns 303 into a GET without body', async () => {
    await hook(api).run({ method: 'POST', endpoint: 'away-307', data: { word: 'chat' } });
    expect(seen[1]).toMatchObject({ server: 'other', method: 'POST', body: '{"word":"chat"}', headers: { 'content-type': 'application/json' } });
    expect(seen[1]!.headers['x-api-key']).toBeUndefined();
    seen.length = 0;
    await hook(api).run({ method: 'POST', endpoint: 'away-303', data: { word: 'chat' } });
    expect(seen[1]).toMatchObject({ server: 'other', method: 'GET', body: '' });
    expect(seen[1]!.headers['content-type']).toBeUndefined();
  });

  it('follows https within its origin, and refuses https → http with a clear, non-retriable error', async () => {
    expect(await hook(tls).run({ endpoint: 'anywhere' })).toMatchObject({ status: 200, url: `${tls}/ok-over-tls` });
    seen.length = 0;
    const failure = hook(tls).run({ endpoint: 'down', retry: { maximumAttempts: 3, initialIntervalMs: 1, backoffCoefficient: 1, maximumIntervalMs: 1, jitter: 0 } });
    await expect(failure).rejects.toThrow(RedirectRefusedError);
    await expect(failure).rejects.toThrow(`GET ${tls}/down answered 302 to ${other}/landing: a redirect from https to http is never followed`);
    expect(seen.map((s) => s.server)).toEqual(['tls']);
  });

  it('gives up after 20 redirects', async () => {
    await expect(hook(api).run({ endpoint: 'loop' })).rejects.toThrow('more than 20 redirects');
    expect(seen).toHaveLength(21);
  });
});

describe('postJson (webhooks)', () => {
  it('follows no redirect: the webhook URL is the secret, the answer a permanent error', async () => {
    const failure = postJson(`${api}/hook`, { text: 'hi' }, new AbortController().signal, { authorization: 'Bearer t' });
    await expect(failure).rejects.toThrow(DeliveryError);
    await expect(failure).rejects.toMatchObject({ permanent: true, message: `POST ${api} answered 301, a redirect to ${other}: webhooks are not followed across redirects; configure the final URL` });
    expect(seen.map((s) => s.server)).toEqual(['api']);
  });
});
