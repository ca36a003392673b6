// The HTTP hook's transport against a real server on 127.0.0.1 (lib/hooks/http-transport.ts over
// lib/kernel/http-request.ts): fetch's implicit headers and decompression, one kept-alive connection for many
// calls, Headers as fetch builds them, a bound on the response, a timeout, and the task's abort. Timeouts are short.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../lib/connections/connection-model';
import { NonRetriableError } from '../../lib/engine/task-context';
import { HttpHook, HttpRequestError } from '../../lib/hooks/http-hook';

const TEXT = 'Grüße, '.repeat(200);
const requests: http.IncomingMessage[] = [];
let base: string;

const answer: http.RequestListener = (req, res) => {
  requests.push(req);
  req.resume();
  req.on('end', () => {
    const path = new URL(req.url!, 'http://x').pathname;
    if (path === '/gzip') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(TEXT));
    if (path === '/br') return void res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(TEXT));
    if (path === '/deflate-raw') return void res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateRawSync(TEXT));
    if (path === '/bomb') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(1024 * 1024)));
    if (path === '/big') return void res.writeHead(200).end('x'.repeat(4096));
    if (path === '/cookies') {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; HttpOnly']);
      res.setHeader('x-multi', ['one', 'two']);
      return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('\uFEFFwith a BOM');
    }
    if (path === '/hang') return;
    if (path === '/moved') return void res.writeHead(302, { location: '/plain' }).end('a body nobody reads');
    if (path === '/moved-to-hang') return void res.writeHead(302, { location: '/hang' }).end('a body nobody reads');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : 'plain');
  });
};

const servers: http.Server[] = [];

async function listen(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = http.createServer(answer).on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

beforeAll(async () => {
  base = (await listen()).url;
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

beforeEach(() => {
  requests.length = 0;
});

const quiet = { info() {}, warn() {}, error() {} };

function hook(signal = new AbortController().signal, host = base): HttpHook {
  const conn: Connection = {
    conn_id: 'api', conn_type: 'http', description: null, host, schema: null, login: null, password: null, port: null, extra: null,
  };
  return new HttpHook(conn, { signal, log: quiet });
}

describe('HttpHook transport', () => {
  it('sends fetch’s implicit headers unless the request sets them, and a Content-Length for a string body', async () => {
    await hook().run({ method: 'POST', endpoint: 'plain', data: 'héllo' });
    expect(requests[0]!.headers).toMatchObject({ accept: '*/*', 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'node', 'content-length': '6' });
    await hook().run({ endpoint: 'plain', headers: { Accept: 'application/json', 'Accept-Encoding': 'identity', 'User-Agent': 'etl/1' } });
    expect(requests[1]!.headers).toMatchObject({ accept: 'application/json', 'accept-encoding': 'identity', 'user-agent': 'etl/1' });
  });

  it('decompresses gzip, br and (raw) deflate answers', async () => {
    for (const endpoint of ['gzip', 'br', 'deflate-raw']) {
      const response = await hook().run({ endpoint });
      expect(response.body).toBe(TEXT);
      expect(response.headers.get('content-encoding')).toBe(endpoint === 'deflate-raw' ? 'deflate' : endpoint);
    }
  });

  it('sends calls of several hooks over one kept-alive connection, a redirect’s discarded body included', async () => {
    // A server of its own: the connections to it are this test's alone.
    const own = await listen();
    const call = (request: Parameters<HttpHook['run']>[0]) => hook(undefined, own.url).run(request);
    await call({ endpoint: 'plain' });
    await call({ method: 'POST', endpoint: 'plain', data: { n: 1 } });
    await call({ endpoint: 'gzip' });
    await call({ endpoint: 'moved' });
    await call({ endpoint: 'plain' });
    expect(requests).toHaveLength(6);
    expect(own.connections()).toBe(1);
    // A call that times out closes its connection: the next one opens another.
    await expect(call({ endpoint: 'hang', timeoutMs: 30 })).rejects.toThrow('timed out after 30 ms');
    await call({ endpoint: 'plain' });
    expect(own.connections()).toBe(2);
  });

  it('gives Headers as fetch does: Set-Cookie apart, repeated headers joined; the body without its BOM', async () => {
    const response = await hook().run({ endpoint: 'cookies' });
    expect(response.headers).toBeInstanceOf(Headers);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(response.headers.get('x-multi')).toBe('one, two');
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(response).toMatchObject({ status: 200, statusText: 'OK', url: `${base}/cookies`, body: 'with a BOM' });
  });

  it('answers HEAD without a body', async () => {
    expect(await hook().run({ method: 'HEAD', endpoint: 'plain' })).toMatchObject({ status: 200, body: '' });
  });

  it('refuses, without retry, a response larger than its bound, as sent or decompressed', async () => {
    const big = hook().run({ endpoint: 'big', maxResponseBytes: 1024, retry: { maximumAttempts: 3, initialIntervalMs: 1, backoffCoefficient: 1, maximumIntervalMs: 1, jitter: 0 } });
    await expect(big).rejects.toThrow(NonRetriableError);
    await expect(big).rejects.toThrow(`GET ${base}/big: the response is larger than the 1.0 KB the HTTP hook reads (maxResponseBytes)`);
    expect(requests).toHaveLength(1);
    await expect(hook().run({ endpoint: 'bomb', maxResponseBytes: 64 * 1024 })).rejects.toThrow('larger than the 64.0 KB');
    expect((await hook().run({ endpoint: 'bomb' })).body).toHaveLength(1024 * 1024);
  });

  it('times out the whole call, redirects included, and the task’s abort rethrows its reason', async () => {
    const started = Date.now();
    const late = hook().run({ endpoint: 'moved-to-hang', timeoutMs: 80 });
    await expect(late).rejects.toThrow(HttpRequestError);
    await expect(late).rejects.toThrow(`GET ${base}/moved-to-hang failed: timed out after 80 ms`);
    expect(Date.now() - started).toBeLessThan(1_000);
    const task = new AbortController();
    const aborted = hook(task.signal).run({ endpoint: 'hang' });
    const reason = new Error('the try was killed');
    setTimeout(() => task.abort(reason), 20);
    await expect(aborted).rejects.toBe(reason);
  });
});
