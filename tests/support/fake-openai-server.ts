// A scriptable OpenAI-compatible server on 127.0.0.1 for tests of lib/llm with the real `openai` client. Each
// test queues the replies of POST /v1/chat/completions in order (valid JSON, prose, refusals, 429s, hangs…);
// the server counts calls and keeps every request body. An empty queue answers 500 so a test that makes an
// unexpected call fails loudly. A reply may be answered late (`delayMs`, or reply.after), so tests can hold the
// recorded latency against what the server was told to take.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeReply =
  | {
      kind: 'completion';
      content: string | null;
      refusal?: string | null;
      finishReason?: string;
      usage?: { prompt_tokens: number; completion_tokens: number };
      /** Answer this many ms late (instead of setLatency's). */
      delayMs?: number;
    }
  | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'hang' };

export interface FakeRequest {
  body: Record<string, unknown> & {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  };
  headers: IncomingMessage['headers'];
}

/** A reply, or a function choosing one from the request (e.g. refuse json_schema, accept json_object). */
export type FakeStep = FakeReply | ((request: FakeRequest) => FakeReply);

export const reply = {
  text: (content: string, usage = { prompt_tokens: 120, completion_tokens: 30 }): FakeReply => ({ kind: 'completion', content, usage }),
  json: (value: unknown): FakeReply => reply.text(JSON.stringify(value)),
  refusal: (refusal: string): FakeReply => ({ kind: 'completion', content: null, refusal }),
  error: (
    status: number,
    message: string,
    extra: { type?: string; param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
  ): FakeReply => ({
    kind: 'error',
    status,
    body: { error: { message, type: extra.type ?? 'invalid_request_error', param: extra.param ?? null, code: extra.code ?? null } },
    ...(extra.headers ? { headers: extra.headers } : {}),
  }),
  rateLimited: (retryAfterSeconds: number): FakeReply =>
    reply.error(429, 'Rate limit reached, slow down', { type: 'rate_limit_error', headers: { 'retry-after': String(retryAfterSeconds) } }),
  hang: (): FakeReply => ({ kind: 'hang' }),
  /** The same reply, answered `ms` late: a slow model, or a 429/5xx that takes its time (a hang stays a hang). */
  after: (ms: number, r: FakeReply): FakeReply => (r.kind === 'hang' ? r : { ...r, delayMs: ms }),
};

export interface FakeOpenAiServer {
  /** e.g. http://127.0.0.1:41234/v1 */
  baseUrl: string;
  /** Queues replies for the next calls, in order. */
  script(...steps: FakeStep[]): void;
  /** Answers every call once the queue is empty (default: a 500 naming the unexpected call). */
  otherwise(step: FakeStep | null): void;
  /** Calls to /v1/chat/completions so far. */
  readonly calls: number;
  readonly requests: FakeRequest[];
  /** Every completion is answered this many ms late (a model's think time; errors answer at once). */
  setLatency(ms: number): void;
  /** Clears the queue, the counters and the fallback. */
  reset(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function completionBody(request: FakeRequest, r: Extract<FakeReply, { kind: 'completion' }>, n: number) {
  const usage = r.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
  return {
    id: `chatcmpl-fake-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.body.model ?? 'fake',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: r.content, refusal: r.refusal ?? null },
        finish_reason: r.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  let queue: FakeStep[] = [];
  let fallback: FakeStep | null = null;
  let calls = 0;
  let latencyMs = 0;
  const requests: FakeRequest[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        send(res, 404, { error: { message: `fake server: no route ${req.method} ${req.url}`, type: 'not_found' } });
        return;
      }
      const text = await readBody(req);
      const request: FakeRequest = { body: JSON.parse(text) as FakeRequest['body'], headers: req.headers };
      calls++;
      requests.push(request);
      const step = queue.shift() ?? fallback;
      if (!step) {
        send(res, 500, { error: { message: `fake server: call ${calls} was not scripted`, type: 'server_error' } });
        return;
      }
      const r = typeof step === 'function' ? step(request) : step;
      const late = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : undefined);
      switch (r.kind) {
        case 'completion': {
          const n = calls;
          await late(r.delayMs ?? latencyMs);
          send(res, 200, completionBody(request, r, n));
          return;
        }
        case 'error':
          await late(r.delayMs ?? 0);
          send(res, r.status, r.body, r.headers);
          return;
        case 'hang':
          // Never answers; the client's timeout ends it, or close() drops the socket.
          return;
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    script: (...steps) => void queue.push(...steps),
    otherwise: (step) => {
      fallback = step;
    },
    get calls() {
      return calls;
    },
    requests,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    reset: () => {
      queue = [];
      fallback = null;
      calls = 0;
      latencyMs = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
