// API routes the web server serves itself, after the gate and before Next: the ones a client calls at a high rate,
// triggering runs and polling for their ends. They are the handlers the Next route files export, given the same Web
// Request; what is saved is Next's routing and request wrapping, about a fifth of the web server's CPU per trigger
// in the cataloguing load test (issue 14). Every other path, and any method not listed, goes on to Next.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { withInstance, instanceOf } from './problem';
import { readBodyBytes } from './read-body';
import { dagRunsRoutes } from './routes/dag-runs-routes';
import { MAX_REQUEST_BYTES, requestTooLarge, sendResponse } from './http-gate';

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface DirectRoute {
  pattern: RegExp;
  /** Names of the pattern's groups, in order: the route's path parameters. */
  params: string[];
  methods: Partial<Record<string, RouteHandler>>;
}

const ROUTES: DirectRoute[] = [
  { pattern: /^\/api\/v1\/dags\/([^/]+)\/dagRuns$/, params: ['dag_id'], methods: dagRunsRoutes },
];

/** Answers the request and resolves true when it is one of ROUTES; resolves false, having read nothing, otherwise. */
export async function serveDirect(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  const pathname = target.split('?', 1)[0]!;
  for (const route of ROUTES) {
    const handler = route.methods[method];
    const match = handler ? route.pattern.exec(pathname) : null;
    if (!handler || !match) continue;
    // The gate has refused bad percent-encoding on /api paths (request-target.ts).
    const params = Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    const hasBody = method !== 'GET';
    // The gate's bound holds a chunked body here, as it holds a declared length there.
    const body = hasBody ? await readBodyBytes(req, MAX_REQUEST_BYTES) : null;
    if (hasBody && body === null) {
      await sendResponse(res, await withInstance(requestTooLarge(), instanceOf(target)));
      return true;
    }
    const request = new Request(new URL(target, `http://${req.headers.host ?? 'localhost'}`), {
      method,
      headers: headersOf(req),
      body: body && new Uint8Array(body),
    });
    await sendResponse(res, await compressed(req, await handler(request, { params: Promise.resolve(params) })));
    return true;
  }
  return false;
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** Next compresses what it serves; so do these routes: gzip for a client that accepts it, from 1 KiB (as Next). */
const COMPRESS_FROM_BYTES = 1024;
const gzipAsync = promisify(gzip);

async function compressed(req: IncomingMessage, response: Response): Promise<Response> {
  if (!response.body || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return response;
  const body = Buffer.from(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  headers.append('vary', 'Accept-Encoding');
  if (body.length < COMPRESS_FROM_BYTES) return new Response(body, { status: response.status, headers });
  headers.set('content-encoding', 'gzip');
  return new Response(new Uint8Array(await gzipAsync(body)), { status: response.status, headers });
}
