// What a connection is (Airflow's fields, snake_case as in its REST API), the rules for its input, and the
// Airflow connection URI / JSON forms used by FLASHFLOW_CONN_* variables. Pure: no database, no secrets.
import { z } from 'zod';
import { InvalidInputError } from '../kernel/errors';
import { parseInput } from '../kernel/zod-issues';

/** A connection with its secrets in clear: what hooks receive. Never serialize it to a client (maskedConnection). */
export interface Connection {
  conn_id: string;
  conn_type: string;
  description: string | null;
  host: string | null;
  schema: string | null;
  login: string | null;
  password: string | null;
  port: number | null;
  /** A JSON object as text (Airflow's `extra`); see connectionExtra(). */
  extra: string | null;
}

/** Airflow's AIRFLOW_CONN_<CONN_ID>: the variable that defines connection `connId` in the environment. */
export const CONN_ENV_PREFIX = 'FLASHFLOW_CONN_';
export function connectionEnvVar(connId: string): string {
  return `${CONN_ENV_PREFIX}${connId.toUpperCase()}`;
}

/** Airflow's CONN_ID_MAX_LEN and RE_SANITIZE_CONN_ID (ASCII letters and digits here). */
export const CONN_ID_MAX_LENGTH = 250;
export const connIdSchema = z
  .string()
  .min(1, { error: 'must not be empty', abort: true })
  .max(CONN_ID_MAX_LENGTH)
  .regex(/^[\w.-]+$/, "may contain only ASCII letters, digits, '_', '.' and '-'");

const connTypeSchema = z
  .string()
  .min(1, { error: 'must not be empty', abort: true })
  .max(500)
  .regex(/^[A-Za-z0-9_.+-]+$/, "may contain only ASCII letters, digits, '_', '.', '+' and '-'");

/** Blank text means "not set", as in Airflow's form. */
const text = z
  .string()
  .nullish()
  .transform((s) => (s == null || s === '' ? null : s));

const portSchema = z.number().int().min(1).max(65535).nullish().transform((p) => p ?? null);

/** A JSON object, given as text or as an object; stored as text. */
const extraSchema = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .nullish()
  .transform((value, ctx) => {
    if (value == null || value === '') return null;
    if (typeof value !== 'string') return JSON.stringify(value);
    if (!isJsonObjectText(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object, e.g. {"headers": {"X-Api-Version": "2"}}' });
      return z.NEVER;
    }
    return value;
  });

const fields = {
  conn_type: connTypeSchema,
  description: text,
  host: text,
  schema: text,
  login: text,
  password: text,
  port: portSchema,
  extra: extraSchema,
};

export const connectionInputSchema = z.object({ conn_id: connIdSchema, ...fields }).strict();
export type ConnectionInput = z.input<typeof connectionInputSchema>;

/** A PATCH: absent fields keep their value, null clears it; conn_id cannot change (as in Airflow). */
export const connectionPatchSchema = z
  .object({
    conn_type: connTypeSchema.optional(),
    description: text.optional(),
    host: text.optional(),
    schema: text.optional(),
    login: text.optional(),
    password: text.optional(),
    port: portSchema.optional(),
    extra: extraSchema.optional(),
  })
  .strict();
export type ConnectionPatch = z.input<typeof connectionPatchSchema>;

export { parseInput };

/** Airflow's `extra_dejson`: the extra as an object, {} when unset. */
export function connectionExtra(conn: Pick<Connection, 'conn_id' | 'extra'>): Record<string, unknown> {
  if (!conn.extra) return {};
  try {
    const value: unknown = JSON.parse(conn.extra);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidInputError(`the extra of connection '${conn.conn_id}' is not a JSON object`);
}

function isJsonObjectText(value: string): boolean {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** Airflow's _normalize_conn_type: `postgresql` is `postgres`, hyphens become underscores. */
function normalizeConnType(scheme: string): string {
  const lower = scheme.toLowerCase();
  return lower === 'postgresql' ? 'postgres' : lower.replace(/-/g, '_');
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;

/**
 * Airflow's connection URI: `conn-type://login:password@host:port/schema?extra_key=value` with percent-encoded
 * parts; `?__extra__=<json>` gives the whole extra; a host that carries its own protocol is written
 * `http://https://api.example.com`. Errors never repeat the URI: it may hold a password.
 */
export function parseConnectionUri(connId: string, uri: string): Connection {
  const bad = (why: string) => new InvalidInputError(`connection URI of '${connId}' is invalid: ${why}`);
  const outer = SCHEME.exec(uri.trim());
  if (!outer) throw bad('it must start with <conn-type>://');
  let rest = outer[2]!;
  let protocol: string | null = null;
  const inner = SCHEME.exec(rest);
  if (inner) {
    protocol = inner[1]!;
    rest = inner[2]!;
  }
  const end = rest.search(/[/?#]/);
  const netloc = end === -1 ? rest : rest.slice(0, end);
  const afterNetloc = end === -1 ? '' : rest.slice(end);
  const [pathPart = '', queryPart = ''] = afterNetloc.split('#', 1)[0]!.split(/\?(.*)/s, 2);

  const at = netloc.lastIndexOf('@');
  const userinfo = at === -1 ? null : netloc.slice(0, at);
  const hostport = at === -1 ? netloc : netloc.slice(at + 1);
  const colon = userinfo?.indexOf(':') ?? -1;
  const login = userinfo === null ? null : colon === -1 ? userinfo : userinfo.slice(0, colon);
  const password = userinfo === null || colon === -1 ? null : userinfo.slice(colon + 1);

  const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/s.exec(hostport)!;
  let host = decode(hp[1]!.replace(/^\[(.*)\]$/, '$1'), 'host', bad);
  if (hp[2] !== undefined && hp[2] !== '' && !/^\d{1,5}$/.test(hp[2])) throw bad('the port must be a number');
  const port = hp[2] ? Number(hp[2]) : null;
  if (port !== null && (port < 1 || port > 65535)) throw bad('the port must be between 1 and 65535');
  if (protocol && host) host = `${protocol}://${host}`;

  let extra: string | null = null;
  if (queryPart !== '') {
    const query = new URLSearchParams(queryPart);
    if (query.has('__extra__')) {
      extra = query.get('__extra__');
      if (extra !== null && extra !== '' && !isJsonObjectText(extra)) throw bad('__extra__ must be a JSON object');
    } else {
      extra = JSON.stringify(Object.fromEntries(query));
    }
  }
  return {
    conn_id: connId,
    conn_type: normalizeConnType(outer[1]!),
    description: null,
    host: host || null,
    schema: decode(pathPart.replace(/^\//, ''), 'schema', bad) || null,
    login: login ? decode(login, 'login', bad) : null,
    password: password ? decode(password, 'password', bad) : null,
    port,
    extra: extra || null,
  };
}

function decode(part: string, what: string, bad: (why: string) => Error): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw bad(`the ${what} has an invalid percent-encoding`);
  }
}

/**
 * Airflow's JSON form of a connection (`{"conn_type": "postgres", "host": …, "extra": {…}}`), the other form a
 * FLASHFLOW_CONN_* variable may take.
 */
export function parseConnectionJson(connId: string, json: string): Connection {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new InvalidInputError(`connection JSON of '${connId}' is not valid JSON`);
  }
  const input = value !== null && typeof value === 'object' ? { ...(value as object), conn_id: connId } : value;
  return parseInput(connectionInputSchema, input, `connection JSON of '${connId}'`);
}

/** Keys whose values are secrets wherever they appear in an extra (Airflow's sensitive field names, by substring). */
const SENSITIVE = ['access_token', 'api_key', 'apikey', 'authorization', 'passphrase', 'passwd', 'password', 'private_key', 'secret', 'token', 'keyfile_dict', 'service_account', 'cookie', 'credential'];
export const MASK = '***';

/** Whether a key (of an extra, or a variable's key) names a secret, as Airflow's masker decides. */
export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase();
  return SENSITIVE.some((s) => k.includes(s));
}

function maskValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskValue);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, isSensitiveKey(key) ? MASK : maskValue(v)]),
  );
}

/** Airflow's REST shape of a connection: no password at all, and secret-looking values of `extra` masked. */
export interface MaskedConnection {
  connection_id: string;
  conn_type: string;
  description: string | null;
  host: string | null;
  login: string | null;
  schema: string | null;
  port: number | null;
  extra: string | null;
}

export function maskedConnection(conn: Connection): MaskedConnection {
  let extra: string | null = null;
  if (conn.extra) {
    try {
      extra = JSON.stringify(maskValue(JSON.parse(conn.extra)));
    } catch {
      extra = MASK; // not JSON: nothing tells which part is secret
    }
  }
  return {
    connection_id: conn.conn_id,
    conn_type: conn.conn_type,
    description: conn.description,
    host: conn.host,
    login: conn.login,
    schema: conn.schema,
    port: conn.port,
    extra,
  };
}
