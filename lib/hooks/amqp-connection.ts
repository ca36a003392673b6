// What the AMQP hook takes from an `amqp` connection (host, port, login, password, schema = virtual host; extra
// `ssl`, `heartbeat`) and how a broker's refusal becomes a task error. Plain data, so importing it never loads
// amqplib: the hook does that when it first connects.
import { NonRetriableError } from '../engine/task-context';
import type { Connection } from '../connections/connection-model';
import { hookExtra } from './hook-context';

export const DEFAULT_AMQP_CONN_ID = 'amqp_default';
// RabbitMQ's own default user, which it only lets in from loopback.
const DEFAULT_LOGIN = 'guest';

export interface AmqpEndpoint {
  tls: boolean;
  host: string;
  port: number;
  login: string;
  password: string;
  vhost: string;
  /** Seconds; absent: the broker's proposal (RabbitMQ's is 60). */
  heartbeat?: number;
}

export function amqpEndpoint(conn: Connection): AmqpEndpoint {
  if (conn.conn_type !== 'amqp') {
    throw new NonRetriableError(`connection '${conn.conn_id}' has conn_type '${conn.conn_type}'; the AMQP hook needs an 'amqp' connection`);
  }
  const extra = hookExtra(conn);
  const tls = extra.ssl === true || extra.ssl === 'true';
  let heartbeat: number | undefined;
  if (extra.heartbeat !== undefined && extra.heartbeat !== null && extra.heartbeat !== '') {
    heartbeat = Number(extra.heartbeat);
    if (!Number.isInteger(heartbeat) || heartbeat < 0) {
      throw new NonRetriableError(`connection '${conn.conn_id}': extra.heartbeat must be a whole number of seconds, not ${JSON.stringify(extra.heartbeat)}`);
    }
  }
  return {
    tls,
    host: conn.host ?? 'localhost',
    port: conn.port ?? (tls ? 5671 : 5672),
    login: conn.login ?? DEFAULT_LOGIN,
    // No login at all means RabbitMQ's default user, whose password is its name.
    password: conn.password ?? (conn.login ? '' : DEFAULT_LOGIN),
    vhost: conn.schema ?? '/',
    ...(heartbeat !== undefined ? { heartbeat } : {}),
  };
}

/**
 * The URL amqplib connects to. Login, password and virtual host are percent-encoded, so an '@', ':' or '/' in them
 * (and the default vhost '/', which is `%2F`) survive. It holds the password: never log it; log amqpLabel().
 */
export function amqpUrl(endpoint: AmqpEndpoint): string {
  const userinfo = `${encodeURIComponent(endpoint.login)}:${encodeURIComponent(endpoint.password)}`;
  const query = endpoint.heartbeat !== undefined ? `?heartbeat=${endpoint.heartbeat}` : '';
  return `${endpoint.tls ? 'amqps' : 'amqp'}://${userinfo}@${hostPart(endpoint.host)}:${endpoint.port}/${encodeURIComponent(endpoint.vhost)}${query}`;
}

/** The broker and vhost as a log line or a message may show them: no password. */
export function amqpLabel(endpoint: AmqpEndpoint): string {
  return `${endpoint.tls ? 'amqps' : 'amqp'}://${hostPart(endpoint.host)}:${endpoint.port}, vhost '${endpoint.vhost}', as user '${endpoint.login}'`;
}

function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * AMQP reply codes no retry will cure: access refused (403, a wrong password or a missing permission), not found
 * (404: exchange or queue), precondition failed (406: a queue declared with other arguments), not allowed (530: a
 * vhost that does not exist or the user may not use), not implemented (540).
 */
const PERMANENT_CODES = new Set([403, 404, 406, 530, 540]);
// A refused handshake carries its code only in the message: "Handshake terminated by server: 403 (ACCESS-REFUSED)".
const PERMANENT_IN_MESSAGE = /\b(403|404|406|530|540) \([A-Z-]+\)/;
// RabbitMQ answers a vhost the user may not open by closing the connection, which amqplib reports only as this.
const VHOST_REFUSED = /Expected ConnectionOpenOk/;

/**
 * An amqplib error as a task error: what was attempted, with which connection, and the broker's reason. Refusals
 * fail without retry; a refused or lost connection, a broker shutting down and timeouts keep their retries. The
 * password never appears, even if a library message were to quote the URL.
 */
export function amqpError(what: string, conn: Connection, endpoint: AmqpEndpoint, error: unknown): Error {
  if (error instanceof NonRetriableError) return error;
  const e = error as Error & { code?: unknown };
  let detail = e instanceof Error ? e.message : String(error);
  if (typeof e.code === 'string' && !detail.includes(e.code)) detail += ` (${e.code})`;
  const vhostRefused = VHOST_REFUSED.test(detail);
  if (vhostRefused) {
    detail = `the broker refused virtual host '${endpoint.vhost}': it does not exist, or user '${endpoint.login}' has no permission on it`;
  }
  const message = redact(`${what} (connection '${conn.conn_id}') failed: ${detail}`, endpoint.password);
  const permanent = vhostRefused || (typeof e.code === 'number' && PERMANENT_CODES.has(e.code)) || PERMANENT_IN_MESSAGE.test(detail);
  // No `cause`: the library's error may hold the connection it came from, and with it the URL.
  return permanent ? new NonRetriableError(message) : new Error(message);
}

function redact(message: string, password: string): string {
  const noUserinfo = message.replace(/(amqps?:\/\/)[^/@\s]+@/g, '$1***@');
  return password ? noUserinfo.split(password).join('***').split(encodeURIComponent(password)).join('***') : noUserinfo;
}
