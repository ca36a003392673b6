// POST /auth/login and POST /auth/logout. The login form posts here (urlencoded) and is redirected back; scripts
// may post JSON and get JSON. Failures count towards the per-address limit and the per-account lockout.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Clock } from '../kernel/clock';
import { CSRF_COOKIE, SESSION_COOKIE, parseCookies } from '../ops/auth/authenticate-request';
import { SIGN_IN_REFUSED, signIn } from '../ops/auth/check-credentials';
import type { FailureRateLimiter } from '../ops/auth/rate-limiter';
import { SESSION_TTL_MS, createSession, endSession } from '../ops/auth/sessions';
import type { AuthDb } from '../ops/auth/user-accounts';
import { isJsonMediaType } from './media-type';
import { problem } from './problem';
import { readBodyText } from './read-body';

const MAX_LOGIN_BYTES = 16 * 1024;

const loginSchema = z.object({
  username: z.string().max(200).default(''),
  password: z.string().max(1024).default(''),
  next: z.string().max(2000).optional(),
});

const PLACEHOLDER_ORIGIN = 'http://flashflow.invalid';

/** Only a path on this site, or the login page is an open redirect. Browsers drop tabs and newlines and read `\`
 *  as `/`, so `/<tab>/evil.example` means `//evil.example` to them: refuse such characters outright, then resolve
 *  against a placeholder origin and keep the result only if it stayed there (what is returned is the parsed form). */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || /[\p{Cc}\\]/u.test(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, PLACEHOLDER_ORIGIN);
  } catch {
    return '/';
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  return url.origin === PLACEHOLDER_ORIGIN && path.startsWith('/') && !path.startsWith('//') ? path : '/';
}

/** Whether a Content-Type header names JSON exactly (`application/json`, any case, parameters after `;` ignored).
 *  A substring test would take `text/plain; x=application/json`, which a cross-site form or fetch may send
 *  without a CORS preflight; only a real JSON type forces one, which is what exempts JSON logins from the
 *  Origin check. */
export function isJsonContentType(header: string | undefined): boolean {
  return isJsonMediaType(header);
}

function cookie(name: string, value: string, flags: string, maxAgeS: number, httpOnly: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAgeS}; SameSite=${httpOnly ? 'Lax' : 'Strict'}${httpOnly ? '; HttpOnly' : ''}${flags}`;
}

export interface LoginDeps {
  db: AuthDb;
  clock: Pick<Clock, 'now'>;
  limiter: FailureRateLimiter;
  clientKey: string;
  cookieFlags: string;
}

export async function handleLogin(req: IncomingMessage, deps: LoginDeps): Promise<Response> {
  const isJson = isJsonContentType(req.headers['content-type']);
  const text = await readBodyText(req, MAX_LOGIN_BYTES);
  if (text === null) return problem(413, `a login request must be smaller than ${MAX_LOGIN_BYTES / 1024} KiB`);
  let raw: unknown;
  try {
    raw = isJson ? JSON.parse(text || '{}') : Object.fromEntries(new URLSearchParams(text));
  } catch {
    return problem(400, 'the login body is not valid JSON');
  }
  const parsed = loginSchema.safeParse(raw);
  if (!parsed.success) return problem(400, 'username and password must be strings');
  const { username, password } = parsed.data;
  const next = safeNext(parsed.data.next);
  const fail = (error: 'invalid' | 'throttled', status: 401 | 429, detail: string, retryAfterS?: number) => {
    if (isJson) {
      const response = problem(status, detail);
      if (retryAfterS) response.headers.set('retry-after', String(retryAfterS));
      return response;
    }
    return new Response(null, { status: 303, headers: { location: `/login?error=${error}&next=${encodeURIComponent(next)}` } });
  };

  const now = deps.clock.now();
  const check = await signIn(deps.db, deps.limiter, deps.clientKey, username, password, now);
  if (!check.ok) {
    return check.reason === 'throttled'
      ? fail('throttled', 429, `too many failed logins from this address; try again in ${check.retryAfterS} s`, check.retryAfterS)
      : fail('invalid', 401, SIGN_IN_REFUSED);
  }
  const { sessionId, csrfToken } = await createSession(deps.db, check.principal.userId, now);
  await deps.db.user.update({ where: { id: check.principal.userId }, data: { lastLogin: now } });
  const maxAge = SESSION_TTL_MS / 1000;
  const headers = new Headers();
  headers.append('set-cookie', cookie(SESSION_COOKIE, sessionId, deps.cookieFlags, maxAge, true));
  // Readable by the page's scripts, which echo it in X-CSRF-Token; a foreign site can neither read nor send it.
  headers.append('set-cookie', cookie(CSRF_COOKIE, csrfToken, deps.cookieFlags, maxAge, false));
  if (isJson) {
    headers.set('content-type', 'application/json');
    return new Response(JSON.stringify({ username: check.principal.username, role: check.principal.role, csrf_token: csrfToken }), { status: 200, headers });
  }
  headers.set('location', next);
  return new Response(null, { status: 303, headers });
}

export async function handleLogout(req: IncomingMessage, deps: { db: AuthDb; cookieFlags: string }): Promise<Response> {
  const sessionId = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (sessionId) await endSession(deps.db, sessionId);
  const headers = new Headers({ location: '/login' });
  headers.append('set-cookie', cookie(SESSION_COOKIE, '', deps.cookieFlags, 0, true));
  headers.append('set-cookie', cookie(CSRF_COOKIE, '', deps.cookieFlags, 0, false));
  return new Response(null, { status: 303, headers });
}
