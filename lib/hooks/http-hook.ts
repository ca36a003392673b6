// Airflow's HttpHook: base URL, Basic auth and default headers from a connection; a timeout on every request; a
// bound on every response; retries only when the caller passes a policy (task-level retries are the default way to
// retry). Redirects are followed by follow-redirects.ts: the connection's headers never reach another origin. The
// requests go out on pooled keep-alive connections (http-transport.ts), with fetch's implicit behaviours.
import { nextRetryDelay, type RetryPolicy } from '../kernel/retry-policy';
import { NonRetriableError } from '../engine/task-context';
import type { Connection } from '../connections/connection-model';
import { abortableSleep } from '../kernel/abortable-sleep';
import { AnswerTooLargeError, RequestTimeoutError } from '../kernel/http-request';
import { formatBytes } from '../kernel/format-bytes';
import { retryAfterMs } from '../kernel/retry-after';
import { requestFollowingRedirects, RedirectRefusedError, type FinalAnswer } from './follow-redirects';
import { responseHeaders, responseText } from './http-transport';
import { fetchConnection, hookExtra, type HookContext } from './hook-context';

export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;
/** Far more than an API answers in one go, but a bound: a wrong URL must not fill the task runner's memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** How much of an error response's body goes into the error message. */
const BODY_EXCERPT_CHARS = 500;
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export interface HttpRequest {
  method?: string;
  /** Path relative to the connection's base URL (Airflow's `endpoint`); absolute URLs are refused. */
  endpoint?: string;
  /** GET/HEAD: query parameters (object) or a query string; other methods: the body, JSON unless a string. */
  data?: unknown;
  /** Added to (and overriding) the connection's `extra.headers`. */
  headers?: Record<string, string>;
  /** Statuses that count as success; default any 2xx. */
  acceptStatus?: readonly number[];
  /** Per attempt; default `extra.timeout` (seconds, Airflow's) or 60 s. */
  timeoutMs?: number;
  /** Retry network errors, timeouts, 408, 429 and 5xx inside this call; default: no retry. */
  retry?: RetryPolicy;
  /** A larger response (as sent, or decompressed) fails the call without retry; default 64 MiB. */
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Headers;
  url: string;
  body: string;
}

/** A response whose status is not accepted. `retriable` for 408, 429 and 5xx: the server may answer later. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
    readonly retriable: boolean,
    /** The Retry-After header, if the server sent one. */
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }
}

/** No response at all: refused, reset, DNS, timeout. Always retriable. */
export class HttpRequestError extends Error {
  override name = 'HttpRequestError';
  readonly retriable = true;
}

// Airflow's HttpHook: data are query parameters for GET and HEAD, the body for every other method.
const NO_BODY = new Set(['GET', 'HEAD']);

export class HttpHook {
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(
    readonly conn: Connection,
    private readonly ctx: Pick<HookContext, 'signal' | 'log'>,
  ) {
    this.baseUrl = httpBaseUrl(conn);
    const extra = hookExtra(conn);
    this.headers = { ...stringRecord(extra.headers, `extra.headers of connection '${conn.conn_id}'`) };
    // Airflow: `session.auth = (login, password)` when a login is set.
    if (conn.login) {
      this.headers.Authorization = `Basic ${Buffer.from(`${conn.login}:${conn.password ?? ''}`).toString('base64')}`;
    }
    this.timeoutMs = typeof extra.timeout === 'number' && extra.timeout > 0 ? extra.timeout * 1000 : DEFAULT_HTTP_TIMEOUT_MS;
  }

  static async fromConnection(ctx: HookContext, connId: string): Promise<HttpHook> {
    return new HttpHook(await fetchConnection(ctx, connId), ctx);
  }

  url(endpoint = ''): string {
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(endpoint)) {
      // The connection's credentials must not travel to a host the connection does not name.
      throw new NonRetriableError(`endpoint '${endpoint}' is an absolute URL; give a path relative to connection '${this.conn.conn_id}'`);
    }
    if (endpoint === '') return this.baseUrl;
    return this.baseUrl.endsWith('/') || endpoint.startsWith('/') ? this.baseUrl + endpoint : `${this.baseUrl}/${endpoint}`;
  }

  /**
   * Sends the request; throws HttpStatusError for a status not accepted, HttpRequestError without a response,
   * NonRetriableError for a request that cannot be made (absolute endpoint), a redirect refused (https → http) or
   * a response larger than `maxResponseBytes`.
   */
  async run(request: HttpRequest = {}): Promise<HttpResponse> {
    const policy = request.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(request);
      } catch (error) {
        const retriable = (error instanceof HttpStatusError || error instanceof HttpRequestError) && error.retriable;
        const delay = retriable && policy ? nextRetryDelay(policy, attempt + 1) : null;
        if (delay === null || this.ctx.signal.aborted) throw error;
        // Retry-After is capped, so a hostile server cannot park the task.
        const asked = error instanceof HttpStatusError ? retryAfterMs(error.retryAfter, new Date()) : null;
        const wait = Math.max(delay, Math.min(asked ?? 0, MAX_RETRY_AFTER_MS));
        this.ctx.log.warn('%s; retrying in %d ms (attempt %d of %d)', (error as Error).message, wait, attempt + 1, policy!.maximumAttempts);
        await abortableSleep(wait, this.ctx.signal);
      }
    }
  }

  private async attempt(request: HttpRequest): Promise<HttpResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    let url = this.url(request.endpoint);
    const headers = new Headers({ ...this.headers, ...request.headers });
    let body: string | undefined;
    if (request.data !== undefined && request.data !== null) {
      if (NO_BODY.has(method)) url = withQuery(url, request.data);
      else if (typeof request.data === 'string') body = request.data;
      else {
        body = JSON.stringify(request.data);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
    }
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const maxResponseBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const started = Date.now();
    this.ctx.log.info('%s %s', method, url);
    let answer: FinalAnswer;
    let text: string;
    try {
      answer = await requestFollowingRedirects(url, {
        method,
        headers,
        body,
        signal: this.ctx.signal,
        timeoutMs,
        maxResponseBytes,
        connectionHeaders: new Set(Object.keys(this.headers)),
        onRedirect: (status, to, dropped) =>
          this.ctx.log.info('→ %d, redirected to %s%s', status, to.href, dropped.length ? ` (another origin: without ${dropped.join(', ')})` : ''),
      });
      text = method === 'HEAD' ? '' : await responseText(answer, maxResponseBytes);
    } catch (error) {
      if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
      if (error instanceof RedirectRefusedError) throw error;
      if (error instanceof AnswerTooLargeError) {
        throw new NonRetriableError(`${method} ${url}: the response is larger than the ${formatBytes(error.limitBytes)} the HTTP hook reads (maxResponseBytes)`);
      }
      // Node's connection errors carry their code (ECONNREFUSED, ENOTFOUND, ECONNRESET, a TLS one): it says it all.
      const why = error instanceof RequestTimeoutError ? `timed out after ${timeoutMs} ms` : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      throw new HttpRequestError(`${method} ${url} failed: ${why}`);
    }
    const status = answer.response.statusCode ?? 0;
    const statusText = answer.response.statusMessage ?? '';
    this.ctx.log.info('%s %s → %d %s in %d ms', method, url, status, statusText, Date.now() - started);
    const responded = responseHeaders(answer.response);
    const accepted = request.acceptStatus ? request.acceptStatus.includes(status) : status >= 200 && status < 300;
    if (!accepted) {
      const excerpt = text.length > BODY_EXCERPT_CHARS ? `${text.slice(0, BODY_EXCERPT_CHARS)}…` : text;
      throw new HttpStatusError(
        `HTTP ${status}${statusText ? ` ${statusText}` : ''} from ${method} ${url}${excerpt ? `: ${excerpt}` : ''}`,
        status,
        text,
        status >= 500 || status === 429 || status === 408,
        responded.get('retry-after'),
      );
    }
    return { status, statusText, headers: responded, url: withoutFragment(answer.url.href), body: text };
  }
}

/**
 * Airflow's rule, plus a base path: a host with `://` is the base URL; else the scheme is `https` for conn_type
 * https, the schema when it is `http`/`https` (Airflow's use of that field), or `http`; any other schema is a path.
 */
export function httpBaseUrl(conn: Connection): string {
  const host = conn.host?.trim() ?? '';
  if (!host) throw new NonRetriableError(`connection '${conn.conn_id}' has no host, so there is no URL to call`);
  const port = conn.port ? `:${conn.port}` : '';
  if (host.includes('://')) {
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      throw new NonRetriableError(`connection '${conn.conn_id}' has a host that is not a valid URL`);
    }
    if (conn.port && !url.port) url.port = String(conn.port);
    return url.href.replace(/\/$/, '');
  }
  const schema = conn.schema?.trim() ?? '';
  const schemeInSchema = schema === 'http' || schema === 'https';
  const scheme = schemeInSchema ? schema : conn.conn_type === 'https' ? 'https' : 'http';
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const path = !schemeInSchema && schema ? `/${schema.replace(/^\/+|\/+$/g, '')}` : '';
  return `${scheme}://${bracketed}${port}${path}`;
}

/** fetch's Response.url has no fragment. */
function withoutFragment(href: string): string {
  const hash = href.indexOf('#');
  return hash < 0 ? href : href.slice(0, hash);
}

function withQuery(url: string, data: unknown): string {
  let query: string;
  if (typeof data === 'string') query = data.replace(/^\?/, '');
  else if (typeof data === 'object') {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null) params.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
      }
    }
    query = params.toString();
  } else query = encodeURIComponent(String(data));
  if (!query) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new NonRetriableError(`${what} must be an object of strings`);
  }
  return value as Record<string, string>;
}
