// The service calls of a worker's tasks over real HTTP (lib/executors/bullmq/remote-services.ts): a webserver
// that is briefly away is waited for, and nothing that is not a Flashflow answer passes for a successful call.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteServiceHandler } from '../../lib/executors/bullmq/remote-services';

const JOB = { tiId: 'ti', tryNumber: 1, dagId: 'd', runId: 'r', taskId: 't', mapIndex: -1 };
let server: http.Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  server = null;
});

async function serve(answer: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void): Promise<{ url: string; calls: () => number }> {
  let n = 0;
  server = http.createServer((req, res) => answer(req, res, n++));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls: () => n };
}

describe('remoteServiceHandler', () => {
  it('sends the call again while the webserver answers 503, with the try token, and returns the value', async () => {
    const tokens: string[] = [];
    const web = await serve((req, res, n) => {
      tokens.push(req.headers.authorization ?? '');
      if (n < 2) return void res.writeHead(503).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: { saved: true } }));
    });
    const call = remoteServiceHandler(web.url, () => 'fft_token', { unreachableWaitsMs: [20, 20, 20] });
    await expect(call(JOB, 'cards.save', { front: 'x' })).resolves.toEqual({ saved: true });
    expect(web.calls()).toBe(3);
    expect(new Set(tokens)).toEqual(new Set(['Bearer fft_token']));
  });

  it('refuses a redirect or a page that is not a Flashflow answer instead of reporting success', async () => {
    const login = await serve((_req, res) => void res.writeHead(302, { location: '/login' }).end());
    await expect(remoteServiceHandler(login.url, () => 'fft_token')(JOB, 'cards.save', {})).rejects.toThrow(/did not answer/);
    await new Promise((resolve) => server!.close(resolve));
    const page = await serve((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>'));
    await expect(remoteServiceHandler(page.url, () => 'fft_token')(JOB, 'cards.save', {})).rejects.toThrow(/did not answer as a Flashflow webserver/);
  });

  it('fails for good on a permanent refusal, and retriably on another error', async () => {
    const web = await serve((_req, res, n) => {
      const body = n === 0 ? { detail: 'try 1 of d.t is no longer running', permanent: true } : { detail: 'database error', permanent: false };
      res.writeHead(n === 0 ? 409 : 500, { 'content-type': 'application/problem+json' }).end(JSON.stringify(body));
    });
    const call = remoteServiceHandler(web.url, () => 'fft_token');
    await expect(call(JOB, 'cards.save', {})).rejects.toMatchObject({ name: 'NonRetriableError', message: 'try 1 of d.t is no longer running' });
    await expect(call(JOB, 'cards.save', {})).rejects.toMatchObject({ name: 'Error', message: 'database error' });
  });
});
