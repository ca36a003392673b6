// `flashflow demo model-server`: a stand-in for the classification model service of the tutorial's cataloguing
// tool, so catalog_request runs (and is load-tested) on a machine with no model. Each endpoint answers the same
// input with the same output (hashed, not learned), after a configurable wait (the model's latency, no CPU) and a
// configurable busy loop (its compute, which serialises calls as one accelerator would), and fails a configurable
// share of calls with 503 + Retry-After, the transient error a busy model server gives. Loopback by default.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { formatZodIssues } from '../kernel/zod-issues';
import { seededRandom } from '../kernel/seeded-random';
import { DEMO_MODEL } from '../connections/default-connections';
import { classifySections, extractDocument, extractLogo, validateCatalogEntry } from './model-answers';
import { documentSchema, extractedSchema, logoRequestSchema, validateRequestSchema } from './model-contract';

export interface ModelServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Wait per call before answering, in ms (idle: other calls proceed meanwhile). */
  latencyMs?: number;
  /** Up to this much more wait, at random. */
  jitterMs?: number;
  /** CPU burnt per call, in ms (busy: nothing else runs meanwhile). */
  cpuMs?: number;
  /** Share of calls (0..1) answered 503 before any work. */
  errorRate?: number;
  /** Seeds the jitter and the errors, so a load test sees the same sequence each time. */
  seed?: number;
}

export interface ModelServerStats {
  requests: number;
  errors: number;
  byEndpoint: Record<string, number>;
}

export interface ModelServer {
  port: number;
  url: string;
  stats(): ModelServerStats;
  close(): Promise<void>;
}

export const modelServerOptionsSchema = z
  .object({
    host: z.string().min(1).default(DEMO_MODEL.host),
    port: z.number().int().min(0).max(65_535).default(DEMO_MODEL.port),
    latencyMs: z.number().min(0).max(600_000).default(20),
    jitterMs: z.number().min(0).max(600_000).default(0),
    cpuMs: z.number().min(0).max(60_000).default(2),
    errorRate: z.number().min(0).max(1).default(0),
    seed: z.number().int().default(1),
  })
  .strict();

const ENDPOINTS: Record<string, { input: z.ZodType; answer: (input: never) => unknown }> = {
  '/v1/extract': { input: z.object({ document: documentSchema }), answer: (i: { document: z.output<typeof documentSchema> }) => extractDocument(i.document) },
  '/v1/classify-sections': { input: extractedSchema, answer: classifySections },
  '/v1/extract-logo': { input: logoRequestSchema, answer: extractLogo },
  '/v1/validate': { input: validateRequestSchema, answer: validateCatalogEntry },
};

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const parsed = modelServerOptionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`model server: ${formatZodIssues(parsed.error)}`);
  const o = parsed.data;
  const random = seededRandom(o.seed);
  const stats: ModelServerStats = { requests: 0, errors: 0, byEndpoint: {} };

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': status < 400 ? 'application/json' : 'application/problem+json', ...headers });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/healthz') return reply(200, { status: 'ok' });
    if (req.method === 'GET' && path === '/stats') return reply(200, stats);
    const endpoint = ENDPOINTS[path];
    if (!endpoint) return reply(404, { title: 'Not Found', status: 404, detail: `no endpoint ${path}; known: ${Object.keys(ENDPOINTS).join(', ')}` });
    if (req.method !== 'POST') return reply(405, { title: 'Method Not Allowed', status: 405, detail: `${path} takes POST` }, { allow: 'POST' });
    stats.requests++;
    stats.byEndpoint[path] = (stats.byEndpoint[path] ?? 0) + 1;
    void readJson(req).then(async (body) => {
      if (body === TOO_LARGE) return reply(413, { title: 'Payload Too Large', status: 413, detail: `bodies are limited to ${MAX_BODY_BYTES} bytes` });
      if (random() < o.errorRate) {
        stats.errors++;
        return reply(503, { title: 'Service Unavailable', status: 503, detail: 'the model is busy; try again' }, { 'retry-after': '1' });
      }
      const input = endpoint.input.safeParse(body);
      if (!input.success) return reply(400, { title: 'Bad Request', status: 400, detail: formatZodIssues(input.error) });
      await wait(o.latencyMs + random() * o.jitterMs);
      burnCpu(o.cpuMs);
      reply(200, endpoint.answer(input.data as never));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  // A load test keeps many connections alive; Node's default of 5 s would reset them under a client's feet.
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`,
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TOO_LARGE = Symbol('too large');

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return TOO_LARGE;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function wait(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Real work rather than a spin on the clock alone, so the CPU a profile shows is the model's. */
function burnCpu(ms: number): void {
  if (ms <= 0) return;
  const until = performance.now() + ms;
  let digest = Buffer.alloc(32);
  while (performance.now() < until) digest = createHash('sha256').update(digest).digest();
}
