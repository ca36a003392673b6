// Works out who sent a request: a session cookie (the UI), `Authorization: Bearer ff_…` (API tokens) or
// `Authorization: Basic` (Airflow's API auth). A verified Basic password is remembered briefly by its digest, so
// scripts do not pay a 128 MiB scrypt per request; the memory is dropped when the user's password changes.
import type { Clock } from '../../kernel/clock';
import { authenticateApiToken } from './api-tokens';
import { SIGN_IN_REFUSED, signIn } from './check-credentials';
import type { Principal } from './principal';
import type { FailureRateLimiter } from './rate-limiter';
import type { Role } from './roles';
import { digest } from './secret-token';
import { findSession } from './sessions';
import type { AuthDb } from './user-accounts';

export const SESSION_COOKIE = 'flashflow_session';
export const CSRF_COOKIE = 'flashflow_csrf';
const BASIC_MEMORY_MS = 5 * 60_000;

export type Authentication =
  | { kind: 'anonymous' }
  | { kind: 'authenticated'; principal: Principal }
  | { kind: 'rejected'; status: 401 | 429; detail: string; retryAfterS?: number };

export interface RequestCredentials {
  authorization?: string;
  cookies: Record<string, string>;
  /** The client's address, for the failed-login limit. */
  clientKey: string;
}

export class RequestAuthenticator {
  private readonly basicMemory = new Map<string, { userId: number; passwordHash: string; until: number }>();

  constructor(
    private readonly db: AuthDb,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly limiter: FailureRateLimiter,
  ) {}

  async authenticate(creds: RequestCredentials): Promise<Authentication> {
    const [scheme, value] = splitAuthorization(creds.authorization);
    if (scheme === 'bearer') {
      const principal = await authenticateApiToken(this.db, value, this.clock.now());
      return principal ? { kind: 'authenticated', principal } : { kind: 'rejected', status: 401, detail: 'the API token is unknown, revoked or expired' };
    }
    if (scheme === 'basic') return this.basic(value, creds.clientKey);
    if (scheme) return { kind: 'rejected', status: 401, detail: `unsupported Authorization scheme '${scheme}'; use Basic or Bearer` };
    const sessionId = creds.cookies[SESSION_COOKIE];
    if (sessionId) {
      const principal = await findSession(this.db, sessionId, this.clock.now());
      if (principal) return { kind: 'authenticated', principal };
    }
    return { kind: 'anonymous' };
  }

  private async basic(encoded: string, clientKey: string): Promise<Authentication> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'rejected', status: 401, detail: 'malformed Basic credentials: expected base64 of username:password' };
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const key = digest(`${username}\u0000${password}`);
    const now = this.clock.now();
    const remembered = this.basicMemory.get(key);
    if (remembered && remembered.until > now.getTime()) {
      const user = await this.db.user.findUnique({ where: { id: remembered.userId } });
      if (user?.active && user.passwordHash === remembered.passwordHash && !(user.lockedUntil && user.lockedUntil > now)) {
        return { kind: 'authenticated', principal: { userId: user.id, username: user.username, role: user.role as Role, via: 'basic' } };
      }
      this.basicMemory.delete(key);
    }
    const check = await signIn(this.db, this.limiter, clientKey, username, password, now);
    if (!check.ok) {
      return check.reason === 'throttled'
        ? { kind: 'rejected', status: 429, detail: `too many failed logins from this address; try again in ${check.retryAfterS} s`, retryAfterS: check.retryAfterS }
        : { kind: 'rejected', status: 401, detail: SIGN_IN_REFUSED };
    }
    if (this.basicMemory.size > 1000) this.basicMemory.clear();
    this.basicMemory.set(key, { userId: check.principal.userId, passwordHash: check.passwordHash, until: now.getTime() + BASIC_MEMORY_MS });
    return { kind: 'authenticated', principal: check.principal };
  }
}

function splitAuthorization(header: string | undefined): [string, string] | [null, ''] {
  if (!header) return [null, ''];
  const space = header.indexOf(' ');
  if (space < 0) return [header.toLowerCase(), ''];
  return [header.slice(0, space).toLowerCase(), header.slice(space + 1).trim()];
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed cookie of someone else's: ignore it rather than fail the request.
    }
  }
  return out;
}
