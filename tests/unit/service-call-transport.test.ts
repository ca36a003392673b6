// A worker's service calls over real HTTP on 127.0.0.1 (lib/executors/bullmq/service-call-transport.ts, through
// remoteServiceHandler): calls share one kept-alive connection, and redirects, refusals, 503s, permanent problems,
// hung and oversized answers end as they did on fetch. Waits and the timeout are injected short.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteServiceHandler, TASK_SERVICES_PATH } from '../../lib/executors/bullmq/remote-services';
import { NonRetriableError } from '../../lib/engine/task-context';

const JOB = { tiId: 'ti', tryNumber: 1, dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1 };
const SHORT_WAITS = [20, 20, 20];
const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface Web { url: string; port: number; connections: () => number; requests: () => number; bodies: string[] }

async function serve(answer: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void, port = 0): Promise<Web> {
  let connections = 0;
  let requests = 0;
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const n = requests++;
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      answer(req, res, n);
    });
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${bound}`, port: bound, connections: () => connections, requests: () => requests, bodies };
}

const json = (res: http.ServerResponse, status: number, body: unknown) =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('remoteServiceHandler over pooled node:http connections', () => {
  it('sends several calls, answers and problems alike, over one kept-alive connection', async () => {
    const web = await serve((req, res, n) => {
      if (req.url !== TASK_SERVICES_PATH || req.method !== 'POST') return json(res, 404, { detail: 'wrong endpoint' });
      if (n === 2) return json(res, 503, { detail: 'database away' });
      if (n === 4) return json(res, 500, { detail: 'database error', permanent: false });
      json(res, 200, { value: { n } });
    });
    const call = remoteServiceHandler(web.url, () => 'fft_token', { unreachableWaitsMs: SHORT_WAITS });
    await expect(call(JOB, 'connections.get', { connId: 'a' })).resolves.toEqual({ n: 0 });
    await expect(call(JOB, 'connections.get', { connId: 'b' })).resolves.toEqual({ n: 1 });
    await expect(call(JOB, 'connections.get', { connId: 'c' })).resolves.toEqual({ n: 3 }); // after a 503
    await expect(call(JOB, 'connections.get', { connId: 'd' })).rejects.toThrow(/^database error$/);
    await expect(call(JOB, 'connections.get', {})).resolves.toEqual({ n: 5 });
    expect(web.requests()).toBe(6);
    expect(web.connections()).toBe(1);
    expect(JSON.parse(web.bodies[0]!)).toEqual({ method: 'connections.get', payload: { connId: 'a' } });
  });

  it('follows no redirect: a 3xx says FLASHFLOW_API_URL is not the webserver', async () => {
    const web = await serve((_req, res) => void res.writeHead(302, { location: '/login' }).end('<html>moved</html>'));
    const call = remoteServiceHandler(web.url, () => 'fft_token');
    await expect(call(JOB, 'cards.save', {})).rejects.toThrow(
      `service cards.save: ${web.url}${TASK_SERVICES_PATH} did not answer as a Flashflow webserver (HTTP 302, a redirect to /login; ` +
        'redirects are not followed, so FLASHFLOW_API_URL must name the webserver itself)',
    );
    expect(web.requests()).toBe(1);
  });

  it('sends the call again while the connection is refused, and succeeds once the webserver listens', async () => {
    const probe = await serve(() => undefined);
    const port = probe.port;
    servers.pop()!.close();
    let appeared: Promise<Web> | null = null;
    // The webserver starts during the first wait, so the first attempt was surely refused.
    const waits = [...SHORT_WAITS];
    Object.defineProperty(waits, 0, {
      get: () => {
        appeared ??= serve((_req, res) => json(res, 200, { value: 'saved' }), port);
        return 20;
      },
    });
    const call = remoteServiceHandler(`http://127.0.0.1:${port}`, () => 'fft_token', { unreachableWaitsMs: waits });
    await expect(call(JOB, 'cards.save', {})).resolves.toBe('saved');
    expect(appeared).not.toBeNull();
    expect((await appeared!).requests()).toBe(1);
  });

  it('gives up on a refused connection after its waits, naming the refusal', async () => {
    const probe = await serve(() => undefined);
    const port = probe.port;
    servers.pop()!.close();
    const call = remoteServiceHandler(`http://127.0.0.1:${port}`, () => 'fft_token', { unreachableWaitsMs: SHORT_WAITS });
    await expect(call(JOB, 'cards.save', {})).rejects.toThrow(
      `service cards.save: the webserver at http://127.0.0.1:${port} did not answer (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it('sends the call again after a 503 and returns the value of the 200', async () => {
    const web = await serve((_req, res, n) => (n === 0 ? void res.writeHead(503).end() : json(res, 200, { value: [1, 2] })));
    const call = remoteServiceHandler(web.url, () => 'fft_token', { unreachableWaitsMs: SHORT_WAITS });
    await expect(call(JOB, 'xcom.pull', {})).resolves.toEqual([1, 2]);
    expect(web.requests()).toBe(2);
  });

  it('fails for good on a permanent problem', async () => {
    const web = await serve((_req, res) => json(res, 409, { detail: 'try 1 of d.t is no longer running', permanent: true }));
    const failure = await remoteServiceHandler(web.url, () => 'fft_token')(JOB, 'cards.save', {}).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(NonRetriableError);
    expect((failure as Error).message).toBe('try 1 of d.t is no longer running');
  });

  it('fails a call the webserver does not answer in time, closing its connection, and the next call gets a new one', async () => {
    const closed: Promise<void>[] = [];
    const web = await serve((req, res, n) => {
      if (n > 0) return json(res, 200, { value: 'late but fine' });
      closed.push(new Promise((resolve) => req.socket.on('close', () => resolve())));
    });
    const call = remoteServiceHandler(web.url, () => 'fft_token', { timeoutMs: 100 });
    await expect(call(JOB, 'connections.get', {})).rejects.toThrow(
      `service connections.get: the webserver at ${web.url} did not answer (no answer within 0.1 s)`,
    );
    await closed[0];
    await expect(call(JOB, 'connections.get', {})).resolves.toBe('late but fine');
    expect(web.connections()).toBe(2);
  });

  it('refuses an answer larger than its bound, announced or streamed', async () => {
    const web = await serve((_req, res, n) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (n === 0) return void res.end(JSON.stringify({ value: 'x'.repeat(4096) }));
      // Chunked, no Content-Length: counted as it arrives.
      res.write('{"value":"');
      const chunk = 'x'.repeat(512);
      const more = setInterval(() => (res.destroyed ? clearInterval(more) : res.write(chunk)), 1);
    });
    const call = remoteServiceHandler(web.url, () => 'fft_token', { maxAnswerBytes: 1024 });
    const refusal = `service xcom.pull: the answer from ${web.url}${TASK_SERVICES_PATH} is larger than the 1.0 KB a service call may return`;
    await expect(call(JOB, 'xcom.pull', {})).rejects.toThrow(refusal);
    await expect(call(JOB, 'xcom.pull', {})).rejects.toThrow(refusal);
  });

  it('speaks TLS to an https URL', async () => {
    const web = await serve((_req, res) => json(res, 200, { value: 1 }));
    const call = remoteServiceHandler(web.url.replace('http:', 'https:'), () => 'fft_token');
    await expect(call(JOB, 'xcom.pull', {})).rejects.toThrow(/did not answer \(write EPROTO .*SSL routines/);
  });
});
