// Pooled connections are closed by the client before the server closes them: a request sent on a connection the
// server is closing at that moment fails with ECONNRESET.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KeepAlivePool, request } from '../../lib/kernel/http-request';

let server: http.Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
  server = null;
});

describe('KeepAlivePool', () => {
  it('closes an idle connection after its idle time, from the client side', async () => {
    const closed: number[] = [];
    const started = Date.now();
    server = http.createServer((_req, res) => res.end('ok'));
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => socket.on('close', () => closed.push(Date.now() - started)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const pool = new KeepAlivePool({ maxSockets: 4, idleTimeoutMs: 200 });
    await request(url, { method: 'GET', headers: {}, pool, timeoutMs: 5_000, maxAnswerBytes: 1024 });
    await expect.poll(() => closed.length, { timeout: 3_000 }).toBe(1);
  });

  it('waits for an answer slower than the idle time: only idle connections are closed', async () => {
    server = http.createServer((_req, res) => void setTimeout(() => res.end('late'), 600));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const pool = new KeepAlivePool({ maxSockets: 4, idleTimeoutMs: 150 });
    const { body } = await request(url, { method: 'GET', headers: {}, pool, timeoutMs: 5_000, maxAnswerBytes: 1024 });
    expect(body.toString()).toBe('late');
  });

  it('by default lets a connection idle for less than a Node server keeps it', () => {
    // Agent#options is public at run time, not in @types/node.
    const { options } = new KeepAlivePool({ maxSockets: 1 }).agentFor('http:') as http.Agent & { options: http.AgentOptions };
    expect(options.timeout).toBeGreaterThan(0);
    expect(options.timeout).toBeLessThan(new http.Server().keepAliveTimeout);
  });
});
