// Redirects of the HTTP hook, followed by hand: a client that follows them itself (fetch does) carries every header
// to wherever a server points, so an API (or whoever controls its Location header) could collect the connection's
// Authorization or X-API-Key. Each hop is one request of http-transport.ts.
// Decision (as requests does for Authorization, but for every credential): a redirect within the origin keeps all
// headers; one to another origin is followed without the connection's headers and without any header named like a
// credential; https → http is refused, whatever the origin. The headers once dropped stay dropped down the chain.
import { isSensitiveKey } from '../connections/connection-model';
import { NonRetriableError } from '../engine/task-context';
import { RequestTimeoutError, type Answer } from '../kernel/http-request';
import { sendHop, type HopRequest } from './http-transport';

/** fetch's own limit. */
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** A redirect the hook will not follow: retrying would meet the same answer. */
export class RedirectRefusedError extends NonRetriableError {
  override name = 'RedirectRefusedError';
}

/** `timeoutMs` is for the whole chain (every hop, every answer read to its end); `maxResponseBytes` for each answer. */
export interface RedirectRequest extends HopRequest {
  /** Header names (any case) that belong to the connection: they never leave its origin. */
  connectionHeaders: ReadonlySet<string>;
  /** Told of each redirect followed, and of the headers it left behind. */
  onRedirect: (status: number, to: URL, dropped: string[]) => void;
}

export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_HEADERS.has(lower) || isSensitiveKey(lower.replace(/-/g, '_'));
}

export interface FinalAnswer extends Answer {
  /** Where the answer came from, after the redirects. */
  url: URL;
}

export async function requestFollowingRedirects(url: string, request: RedirectRequest): Promise<FinalAnswer> {
  let current = new URL(url);
  let { method, body } = request;
  const headers = new Headers(request.headers);
  const connectionHeaders = new Set([...request.connectionHeaders].map((name) => name.toLowerCase()));
  const deadline = Date.now() + request.timeoutMs;
  for (let hop = 0; ; hop++) {
    const timeoutMs = deadline - Date.now();
    if (timeoutMs <= 0) throw new RequestTimeoutError(request.timeoutMs);
    const answer = await sendHop(current, { method, headers, body, signal: request.signal, timeoutMs, maxResponseBytes: request.maxResponseBytes });
    const status = answer.response.statusCode ?? 0;
    const location = answer.response.headers.location;
    if (!REDIRECTS.has(status) || location === undefined) return { ...answer, url: current };
    const where = `${method} ${current.href} answered ${status} to ${location}`;
    if (hop === MAX_REDIRECTS) throw new RedirectRefusedError(`${where}: more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new RedirectRefusedError(`${where}, which is not a valid URL`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new RedirectRefusedError(`${where}: only http and https are followed`);
    if (current.protocol === 'https:' && next.protocol === 'http:') {
      throw new RedirectRefusedError(`${where}: a redirect from https to http is never followed (it would send the request unencrypted)`);
    }
    // fetch's rules: 303 turns anything but HEAD into GET, 301/302 turn POST into GET; the body goes with it.
    if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(name);
    }
    const dropped: string[] = [];
    if (next.origin !== current.origin) {
      for (const name of [...headers.keys()]) {
        if (connectionHeaders.has(name) || isCredentialHeader(name)) {
          headers.delete(name);
          dropped.push(name);
        }
      }
    }
    request.onRedirect(status, next, dropped);
    current = next;
  }
}
