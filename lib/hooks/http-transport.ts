// One request of the HTTP hook (a hop of follow-redirects.ts) on the process's pooled keep-alive connections, with
// what fetch did implicitly and callers rely on: Accept, Accept-Encoding and User-Agent unless set, decompressed
// answers, WHATWG Headers. It left fetch for node:http because of its CPU cost per call (lib/kernel/http-request.ts).
import type { IncomingMessage } from 'node:http';
import { ACCEPTED_ENCODINGS, decodeContent } from '../kernel/http-content-decoding';
import { KeepAlivePool, request, type Answer } from '../kernel/http-request';

/**
 * Every hook of the process shares these connections. A task runner runs few tasks at once, but a function task
 * may fan out; beyond this many requests to one host at a time, requests wait for a connection.
 * An idle connection is closed after 4 s, as fetch did, unless the server announces a shorter Keep-Alive timeout.
 */
const pool = new KeepAlivePool({ maxSockets: 64 });

/** fetch's implicit headers, which the request's own replace. */
const IMPLICIT_HEADERS: Readonly<Record<string, string>> = { accept: '*/*', 'accept-encoding': ACCEPTED_ENCODINGS, 'user-agent': 'node' };

export interface HopRequest {
  method: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal;
  timeoutMs: number;
  maxResponseBytes: number;
}

/** One request, its answer read to the end (so its connection goes back to the pool), nothing followed. */
export function sendHop(url: URL, hop: HopRequest): Promise<Answer> {
  // node:http would send them as Basic auth; fetch refused such a URL, and a URL is a poor place for a password.
  if (url.username || url.password) {
    return Promise.reject(new Error(`a URL with credentials in it is not requested (${url.href}): give them as the connection's login and password`));
  }
  const headers: Record<string, string> = { ...IMPLICIT_HEADERS };
  for (const [name, value] of hop.headers) headers[name] = value;
  // fetch's rule: a POST or PUT without a body says so.
  if (hop.body === undefined && (hop.method === 'POST' || hop.method === 'PUT')) headers['content-length'] = '0';
  return request(url, { method: hop.method, headers, body: hop.body, pool, signal: hop.signal, timeoutMs: hop.timeoutMs, maxAnswerBytes: hop.maxResponseBytes });
}

/** The answer's headers as fetch gives them: repeated ones joined with ", ", Set-Cookie apart (getSetCookie). */
export function responseHeaders(response: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** The body decompressed and read as UTF-8, as fetch's text() does (a leading BOM dropped). */
export async function responseText(answer: Answer, maxBytes: number): Promise<string> {
  const body = await decodeContent(answer.body, answer.response.headers['content-encoding'], maxBytes);
  const text = body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
