// One HTTP request and its whole answer, in plain node:http on pooled keep-alive connections: what a worker's
// service calls and the HTTP hook share. Global fetch (undici) costs about 1 ms of CPU per call under load (web
// streams, Request, Response, Headers and AbortSignal objects on every call); this costs a few tenths of that.
// Redirects are never followed here: the caller sees the 3xx (and its body was read, so the socket is reusable).
import http from 'node:http';
import https from 'node:https';
import { formatBytes } from './format-bytes';

/**
 * undici's default, under the 5 s after which a Node server (ours among them) closes an idle connection: a request
 * sent on a connection the server is closing at that moment fails with ECONNRESET, and was seen to under load.
 */
const DEFAULT_IDLE_MS = 4_000;

export interface KeepAliveOptions {
  /** Concurrent requests to one host beyond this wait for a pooled connection. */
  maxSockets: number;
  /** An idle connection is closed after this, or at the server's announced Keep-Alive timeout if shorter. */
  idleTimeoutMs?: number;
}

/**
 * One keep-alive agent per protocol, made when first asked for. Idle sockets do not hold the process open (Node
 * unrefs them) and are closed before the server's announced Keep-Alive timeout.
 */
export class KeepAlivePool {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly options: KeepAliveOptions) {}

  /** The agent for `http:` or `https:`; null for any other protocol. */
  agentFor(protocol: string): http.Agent | null {
    const client = clientFor(protocol);
    if (!client) return null;
    let agent = this.agents.get(protocol);
    if (!agent) {
      // LIFO keeps the fewest sockets warm: the most recently used one is the least likely to be closed by the server.
      agent = new client.Agent({ keepAlive: true, maxSockets: this.options.maxSockets, scheduling: 'lifo', timeout: this.options.idleTimeoutMs ?? DEFAULT_IDLE_MS });
      this.agents.set(protocol, agent);
    }
    return agent;
  }
}

export interface RequestSpec {
  method: string;
  headers: http.OutgoingHttpHeaders;
  /** Sent with its Content-Length. */
  body?: string;
  pool: KeepAlivePool;
  /** The whole request (a free socket, sending, the whole answer) must be done within this. */
  timeoutMs: number;
  /** An answer larger than this is refused (and its connection closed) instead of filling the memory. */
  maxAnswerBytes: number;
  /** Aborting it destroys the request; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface Answer {
  /** Status, headers (parsed and raw); its body has been read to the end. */
  response: http.IncomingMessage;
  /** The body as it came over the wire (not decompressed). */
  body: Buffer;
}

/** No whole answer within RequestSpec.timeoutMs; the request and its connection were destroyed. */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
  }
}

/** The answer went beyond RequestSpec.maxAnswerBytes: it was not read to its end, and its connection is closed. */
export class AnswerTooLargeError extends Error {
  override name = 'AnswerTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`larger than ${formatBytes(limitBytes)}`);
  }
}

export function request(url: URL, spec: RequestSpec): Promise<Answer> {
  const client = clientFor(url.protocol);
  const agent = spec.pool.agentFor(url.protocol);
  if (!client || !agent) return Promise.reject(new Error(`${url.href} is not an http or https URL`));
  const { signal } = spec;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(answer!);
    };
    const headers = spec.body === undefined ? spec.headers : { ...spec.headers, 'content-length': String(Buffer.byteLength(spec.body)) };
    const outgoing = client.request(url, { method: spec.method, agent, headers });
    // Destroying (not just failing) the request closes its socket: a late answer must not reach the next request.
    // The request has failed already; what the destroyed streams emit then only reaches `finish`, which ignores it.
    const abandon = (error: Error) => {
      finish(error);
      outgoing.destroy();
    };
    const onAbort = () => abandon(signal!.reason as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => abandon(new RequestTimeoutError(spec.timeoutMs)), spec.timeoutMs);
    const limit = spec.maxAnswerBytes;
    outgoing.on('error', (err) => finish(err));
    outgoing.on('response', (response) => {
      response.on('error', (err) => finish(err));
      if (Number(response.headers['content-length']) > limit) return abandon(new AnswerTooLargeError(limit));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) return abandon(new AnswerTooLargeError(limit));
        chunks.push(chunk);
      });
      response.on('end', () => finish(null, { response, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }));
      response.on('close', () => {
        if (!response.complete) finish(new Error('the connection closed before the whole answer arrived'));
      });
    });
    outgoing.end(spec.body);
  });
}

function clientFor(protocol: string): typeof http | typeof https | null {
  return protocol === 'https:' ? https : protocol === 'http:' ? http : null;
}
