// The front door of the web server, run before Next sees a request: security headers, authentication (session
// cookie, Basic, Bearer token), the role each path needs (lib/ops/auth/required-role.ts), CSRF checks for
// browser sessions, and the login/logout endpoints. Next then reads who the user is from headers only this gate
// can set. Doing it here, in plain node:http, covers pages, route handlers, server actions and /metrics alike.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../kernel/clock';
import { RequestAuthenticator, parseCookies, type Authentication } from '../ops/auth/authenticate-request';
import { PRINCIPAL_HEADERS, principalHeaders, type Principal } from '../ops/auth/principal';
import { FailureRateLimiter } from '../ops/auth/rate-limiter';
import { isSafeMethod, requirementFor } from '../ops/auth/required-role';
import { roleAtLeast } from '../ops/auth/roles';
import type { AuthDb } from '../ops/auth/user-accounts';
import { handleLogin, handleLogout, isJsonContentType } from './login-endpoints';
import { instanceOf, problem, withInstance, type ProblemStatus } from './problem';
import { allowedMethods } from './allowed-methods';
import { requestTargetProblem } from './request-target';
import { TASK_SERVICES_PATH } from '../executors/bullmq/remote-services';
import { clientAddress } from './client-address';
import { isSandboxedPath, SANDBOX_CSP } from './sandboxed-files';
import { connectionLossSummary, isConnectionLoss } from '../store/connection-loss';

/** Nothing Flashflow accepts is larger (vocabulary ≤ 100 kB, API bodies ≤ 1 MiB); refuse before reading. */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/** The answer to a body past MAX_REQUEST_BYTES, declared (here) or found while reading it (direct-routes.ts). */
export function requestTooLarge(): Response {
  return problem(413, `the request body is larger than ${MAX_REQUEST_BYTES / 1024 / 1024} MiB`);
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  // Next's pages need inline scripts, so no script-src here; these directives cost nothing and stop clickjacking,
  // <base> hijacks, plugin content and forms posting elsewhere.
  'content-security-policy': "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
};

export interface GateDeps {
  db: AuthDb;
  clock: Pick<Clock, 'now'>;
  /** Mark cookies Secure (set when the app is served over HTTPS, e.g. behind a TLS proxy). */
  secureCookies: boolean;
  /** Reverse proxies in front that append to X-Forwarded-For (FLASHFLOW_PROXY_HOPS); 0 trusts the header not at all. */
  proxyHops?: number;
  /** Answers remote workers' service calls (`flashflow webserver` beside a bullmq scheduler); they bring try tokens. */
  taskServices?: (req: IncomingMessage) => Promise<Response | JsonAnswer>;
}

/** A JSON answer already serialized: the hot paths skip building a Response (and reading it back from a stream). */
export interface JsonAnswer {
  status: number;
  json: string;
}

export type Gate = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}

export async function sendAnswer(res: ServerResponse, answer: Response | JsonAnswer): Promise<void> {
  if (answer instanceof Response) return sendResponse(res, answer);
  const body = Buffer.from(answer.json, 'utf8');
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

const isApiPath = (pathname: string) => pathname.startsWith('/api/') || pathname === '/metrics';


/** The request comes from our own pages: its Origin (or, failing that, Referer) names this host. */
function sameOrigin(req: IncomingMessage): boolean {
  const source = req.headers.origin ?? req.headers.referer;
  if (!source || source === 'null') return false;
  try {
    return new URL(source).host === req.headers.host;
  } catch {
    return false;
  }
}

function denied(req: IncomingMessage, pathname: string, status: ProblemStatus, detail: string, retryAfterS?: number): Response {
  if (isApiPath(pathname) || status !== 401) {
    const response = problem(status, detail);
    if (status === 429) response.headers.set('retry-after', String(retryAfterS ?? 60));
    if (status === 401) response.headers.set('www-authenticate', 'Bearer realm="Flashflow", charset="UTF-8"');
    return response;
  }
  const next = encodeURIComponent(req.url ?? '/');
  return new Response(null, { status: 303, headers: { location: `/login?next=${next}` } });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A person who followed a link to a page above their role gets a page, not JSON. */
function forbiddenPage(detail: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not allowed · Flashflow</title></head>` +
    `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">` +
    `<h1>Not allowed</h1><p>${escapeHtml(detail)}.</p><p>Ask an Admin for a higher role, or <a href="/">go back to the start page</a>.</p>` +
    `</body></html>`;
  return new Response(html, { status: 403, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

export function createHttpGate(deps: GateDeps): Gate {
  const limiter = new FailureRateLimiter(deps.clock);
  const authenticator = new RequestAuthenticator(deps.db, deps.clock, limiter);
  const cookieFlags = deps.secureCookies ? '; Secure' : '';
  const clientKey = (req: IncomingMessage) => clientAddress(req, deps.proxyHops ?? 0);
  const outage = new OutageLog();

  return async (req, res) => {
    for (const name of Object.values(PRINCIPAL_HEADERS)) delete req.headers[name];
    const method = req.method ?? 'GET';
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (isSandboxedPath(pathname)) res.setHeader('content-security-policy', SANDBOX_CSP);
    const send = async (response: Response) => {
      await sendResponse(res, await withInstance(response, instanceOf(req.url ?? '/')));
      return false;
    };
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) {
      return send(requestTooLarge());
    }
    if (isApiPath(pathname)) {
      const targetProblem = requestTargetProblem(req.url ?? '/');
      if (targetProblem) return send(problem(400, targetProblem));
      const allowed = allowedMethods(pathname);
      if (allowed && !allowed.includes(method)) {
        const response = problem(405, `${pathname} does not answer ${method}; it answers ${allowed.join(', ')}`);
        response.headers.set('allow', allowed.join(', '));
        return send(response);
      }
    }
    if (pathname === '/auth/login' && method === 'POST') {
      if (!sameOrigin(req) && !isJsonContentType(req.headers['content-type'])) {
        return send(problem(403, 'a login form must be posted from this site'));
      }
      return send(await handleLogin(req, { db: deps.db, clock: deps.clock, limiter, clientKey: clientKey(req), cookieFlags }));
    }
    if (pathname === TASK_SERVICES_PATH && deps.taskServices) {
      const answer = await deps.taskServices(req);
      if (answer instanceof Response) return send(answer);
      await sendAnswer(res, answer);
      return false;
    }
    const requirement = requirementFor(method, pathname);
    if (requirement.kind === 'public') return true;

    let auth: Authentication;
    try {
      auth = await authenticator.authenticate({
        authorization: req.headers.authorization,
        cookies: parseCookies(req.headers.cookie),
        clientKey: clientKey(req),
      });
      outage.over();
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      outage.report(err);
      return send(problem(503, 'the database cannot be reached right now, so credentials cannot be checked; try again shortly'));
    }
    if (auth.kind === 'rejected') return send(denied(req, pathname, auth.status, auth.detail, auth.retryAfterS));
    if (auth.kind === 'anonymous') {
      return send(denied(req, pathname, 401, 'authentication required: sign in, or send Basic credentials or an API token (Authorization: Bearer ff_…)'));
    }
    const principal: Principal = auth.principal;
    if (!isSafeMethod(method) && principal.via === 'session') {
      const csrf = csrfProblem(req, pathname, principal);
      if (csrf) return send(problem(403, csrf));
    }
    if (pathname === '/auth/logout' && method === 'POST') return send(await handleLogout(req, { db: deps.db, cookieFlags }));
    if (!roleAtLeast(principal.role, requirement.role)) {
      const detail = `${principal.username} has the ${principal.role} role; ${method} ${pathname} needs ${requirement.role} or above`;
      return send(isApiPath(pathname) || !isSafeMethod(method) ? problem(403, detail) : forbiddenPage(detail));
    }
    Object.assign(req.headers, principalHeaders(principal));
    return true;
  };
}

/** One log line when the database becomes unreachable and one when it is back, not a stack trace per request. */
class OutageLog {
  private down = false;

  report(err: unknown): void {
    if (this.down) return;
    this.down = true;
    console.error(`database unreachable (${connectionLossSummary(err)}): answering 503 until it is back`);
  }

  over(): void {
    if (!this.down) return;
    this.down = false;
    console.error('database reachable again');
  }
}

/** Why a browser session's state-changing request is refused, or null. API calls must echo the session's CSRF
 *  token in X-CSRF-Token; server actions and forms must come from this origin (Next checks this too). */
function csrfProblem(req: IncomingMessage, pathname: string, principal: Principal): string | null {
  if (!sameOrigin(req)) return 'cross-site request refused: the Origin header does not match this site';
  if (isApiPath(pathname) && req.headers['x-csrf-token'] !== principal.csrfToken) {
    return 'missing or wrong CSRF token: browser sessions must send the X-CSRF-Token header (the flashflow_csrf cookie)';
  }
  return null;
}
