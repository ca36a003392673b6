// The connection types Flashflow knows (Airflow's provider "connection-types" with their form widgets): which
// standard fields each uses and how they are labelled, its extra keys, a URI example. The connections form, the
// CLI (`connections types`, the warning on an unknown type) and docs/integrations.md follow it. Plugins add types
// of their own (`defineConnectionType`, ADR 0025): the DAG processor stores them and callers pass them in here, so
// this module stays pure. Unknown types stay allowed, as in Airflow: a plugin's hook may read any type.
import { z } from 'zod';
import { jsonOrText } from '../kernel/json-or-text';
export const STANDARD_FIELDS = ['host', 'port', 'login', 'password', 'schema'] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];

/** A type's name as a URI scheme can carry it: lower case, like 'postgres' or 'slackwebhook'. */
export const CONN_TYPE_NAME = /^[a-z][a-z0-9_.+-]*$/;

const fieldSpecSchema = z.object({
  label: z.string().min(1),
  placeholder: z.string().optional(),
  /** What the hook uses when the field is empty. */
  default: z.union([z.string(), z.number()]).optional(),
}).strict();

const extraKeySpecSchema = z.object({
  key: z.string().min(1),
  label: z.string().min(1),
  /** A password input in the form. Answers mask by name (isSensitiveKey), so a secret key must be named like one. */
  secret: z.boolean().optional(),
  placeholder: z.string().optional(),
}).strict();

const connTypeName = z.string().regex(CONN_TYPE_NAME, 'must be lower case letters, digits and _ . + -, starting with a letter');

/** One schema for a plugin's spec at import and for the stored copy the server reads back. */
export const connectionTypeSpecSchema = z.object({
  conn_type: connTypeName,
  label: z.string().min(1),
  /** Only the standard fields the type's hook reads; the others are hidden in the form. */
  fields: z.object(Object.fromEntries(STANDARD_FIELDS.map((f) => [f, fieldSpecSchema.optional()])) as Record<StandardField, z.ZodOptional<typeof fieldSpecSchema>>).strict(),
  extra: z.array(extraKeySpecSchema),
  uri_example: z.string().min(1),
  /** Other spellings Airflow accepts for the same type. */
  aliases: z.array(connTypeName).optional(),
}).strict();

export type FieldSpec = z.infer<typeof fieldSpecSchema>;
export type ExtraKeySpec = z.infer<typeof extraKeySpecSchema>;
export type ConnectionTypeSpec = z.infer<typeof connectionTypeSpecSchema>;

const TYPES: ConnectionTypeSpec[] = [
  {
    conn_type: 'http',
    label: 'HTTP',
    aliases: ['https'],
    fields: {
      host: { label: 'Host or base URL', placeholder: 'api.example.com or https://api.example.com/v2' },
      port: { label: 'Port' },
      login: { label: 'Login (Basic auth)' },
      password: { label: 'Password (Basic auth)' },
      schema: { label: 'Scheme or base path', placeholder: 'https', default: 'http' },
    },
    extra: [
      { key: 'headers', label: 'Headers (JSON object)', placeholder: '{"X-Api-Version": "2"}' },
      { key: 'timeout', label: 'Timeout (seconds)', placeholder: '60' },
    ],
    uri_example: 'http://bot:secret@api.example.com:443/https?timeout=30',
  },
  {
    conn_type: 'postgres',
    label: 'PostgreSQL',
    aliases: ['postgresql'],
    fields: {
      host: { label: 'Host', placeholder: 'db.example.com', default: 'localhost' },
      port: { label: 'Port', default: 5432 },
      login: { label: 'User' },
      password: { label: 'Password' },
      schema: { label: 'Database', placeholder: 'analytics' },
    },
    extra: [
      { key: 'sslmode', label: 'SSL mode', placeholder: 'prefer' },
      { key: 'connect_timeout', label: 'Connect timeout (seconds)', placeholder: '10' },
      { key: 'application_name', label: 'Application name', placeholder: 'flashflow' },
      { key: 'options', label: 'Server options', placeholder: '-c search_path=app' },
    ],
    uri_example: 'postgres://etl:secret@db.example.com:5432/analytics?sslmode=require',
  },
  {
    conn_type: 'mysql',
    label: 'MySQL',
    fields: {
      host: { label: 'Host', placeholder: 'db.example.com', default: 'localhost' },
      port: { label: 'Port', default: 3306 },
      login: { label: 'User' },
      password: { label: 'Password' },
      schema: { label: 'Database', placeholder: 'shop' },
    },
    extra: [
      { key: 'charset', label: 'Character set', placeholder: 'utf8mb4' },
      { key: 'ssl', label: 'TLS options (JSON object)', placeholder: '{"rejectUnauthorized": true}' },
      { key: 'connect_timeout', label: 'Connect timeout (seconds)', placeholder: '10' },
    ],
    uri_example: 'mysql://etl:secret@db.example.com:3306/shop?charset=utf8mb4',
  },
  {
    conn_type: 'aws',
    label: 'Amazon Web Services (S3, Athena; or an S3-compatible server)',
    fields: {
      login: { label: 'AWS access key id', placeholder: 'AKIA…' },
      password: { label: 'AWS secret access key' },
    },
    extra: [
      { key: 'region_name', label: 'Region', placeholder: 'eu-west-1' },
      { key: 'endpoint_url', label: 'Endpoint URL (S3-compatible servers such as MinIO)', placeholder: 'http://127.0.0.1:9000' },
      { key: 's3_force_path_style', label: 'Path-style S3 addressing (true for most S3-compatible servers)', placeholder: 'true' },
      { key: 'aws_session_token', label: 'Session token (temporary credentials)', secret: true },
    ],
    uri_example: 'aws://AKIAEXAMPLE:secret@/?region_name=eu-west-1',
  },
  {
    conn_type: 'amqp',
    label: 'AMQP (RabbitMQ)',
    fields: {
      host: { label: 'Host', placeholder: 'rabbit.example.com', default: 'localhost' },
      port: { label: 'Port', default: 5672 },
      login: { label: 'User', default: 'guest' },
      password: { label: 'Password' },
      schema: { label: 'Virtual host', placeholder: '/', default: '/' },
    },
    extra: [
      { key: 'ssl', label: 'Use TLS (amqps)', placeholder: 'false' },
      { key: 'heartbeat', label: 'Heartbeat (seconds)', placeholder: '60' },
    ],
    uri_example: 'amqp://app:secret@rabbit.example.com:5672/orders',
  },
  {
    conn_type: 'smtp',
    label: 'SMTP (e-mail)',
    aliases: ['email'],
    fields: {
      host: { label: 'SMTP host', placeholder: 'smtp.example.com' },
      port: { label: 'Port', placeholder: '465 with SSL, else 587', default: 465 },
      login: { label: 'User' },
      password: { label: 'Password' },
    },
    extra: [
      { key: 'from_email', label: 'From address', placeholder: 'flashflow@example.com' },
      { key: 'disable_ssl', label: 'Disable SSL (then STARTTLS)', placeholder: 'false' },
      { key: 'disable_tls', label: 'Disable STARTTLS', placeholder: 'false' },
    ],
    uri_example: 'smtp://alerts%40example.com:secret@smtp.example.com:465?from_email=alerts%40example.com',
  },
  {
    conn_type: 'ftp',
    label: 'FTP',
    fields: {
      host: { label: 'Host', placeholder: 'ftp.example.com' },
      port: { label: 'Port', default: 21 },
      login: { label: 'User', default: 'anonymous' },
      password: { label: 'Password' },
      schema: { label: 'Directory', placeholder: 'iris' },
    },
    extra: [],
    uri_example: 'ftp://flashflow:flashflow@127.0.0.1:2121',
  },
  {
    conn_type: 'slackwebhook',
    label: 'Slack incoming webhook',
    fields: {
      host: { label: 'Webhook base URL', placeholder: 'https://hooks.slack.com/services', default: 'https://hooks.slack.com/services' },
      password: { label: 'Webhook token (T…/B…/…) or the whole webhook URL' },
    },
    extra: [],
    uri_example: 'slackwebhook://:T000%2FB000%2FXXXX@hooks.slack.com%2Fservices',
  },
  {
    conn_type: 'openai',
    label: 'LLM (OpenAI-compatible API)',
    fields: {
      host: { label: 'Base URL', placeholder: 'http://127.0.0.1:11434/v1', default: 'https://api.openai.com/v1' },
      password: { label: 'API key' },
    },
    extra: [
      { key: 'model', label: 'Model', placeholder: 'gpt-4o-mini' },
      { key: 'temperature', label: 'Temperature', placeholder: '0.2' },
      { key: 'max_tokens', label: 'Max tokens', placeholder: '800' },
      { key: 'timeout_ms', label: 'Timeout (ms)', placeholder: '120000' },
      { key: 'max_retries', label: 'Transport retries', placeholder: '3' },
      { key: 'max_retry_after_ms', label: 'Longest Retry-After honoured (ms)', placeholder: '60000' },
    ],
    uri_example: 'openai://:sk-secret@http%3A%2F%2F127.0.0.1%3A11434%2Fv1?model=llama3.1',
  },
];

/** The built-in types, then those the plugins define (`plugin`: as the store read them; none by default). */
export function connectionTypes(plugin: readonly ConnectionTypeSpec[] = []): readonly ConnectionTypeSpec[] {
  return plugin.length === 0 ? TYPES : [...TYPES, ...plugin];
}

/** The type's entry, by its name or an alias; null for a type Flashflow does not know (still allowed). */
export function connectionType(connType: string, plugin: readonly ConnectionTypeSpec[] = []): ConnectionTypeSpec | null {
  const t = connType.trim().toLowerCase();
  return connectionTypes(plugin).find((spec) => spec.conn_type === t || spec.aliases?.includes(t)) ?? null;
}

/** The warning `connections add` prints for a type outside the table; null when the type is known. */
export function unknownTypeWarning(connType: string, plugin: readonly ConnectionTypeSpec[] = []): string | null {
  if (connectionType(connType, plugin)) return null;
  return `connection type '${connType}' is not one Flashflow knows (${connectionTypes(plugin).map((t) => t.conn_type).join(', ')}); it is stored as given, for a hook that reads it`;
}

/**
 * The extra a form sends: the free JSON text with the type's keyed inputs laid over it. A keyed value that reads as
 * JSON (a number, true/false, an object) is stored as that, so `timeout` is 30 and `headers` an object, not text;
 * secrets stay text (a numeric token is still a token).
 */
export function extraFromForm(
  text: string,
  keyed: Record<string, string>,
  secretKeys: ReadonlySet<string> = new Set(),
): { ok: true; extra: string | null } | { ok: false; message: string } {
  let base: Record<string, unknown> = {};
  if (text.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, message: 'Extra must be a JSON object, e.g. {"timeout": 30}.' };
    base = parsed as Record<string, unknown>;
  }
  for (const [key, value] of Object.entries(keyed)) {
    if (value.trim() === '') continue;
    base[key] = secretKeys.has(key) ? value : jsonOrText(value.trim());
  }
  return { ok: true, extra: Object.keys(base).length === 0 ? null : JSON.stringify(base) };
}

/** The other way, to edit a stored connection: the type's keys go to their inputs, the rest stays JSON text. */
export function extraToForm(extraKeys: readonly string[], extra: string | null): { text: string; keyed: Record<string, string> } {
  const parsed = extra ? jsonOrText(extra) : {};
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { text: extra ?? '', keyed: {} };
  const rest: Record<string, unknown> = {};
  const keyed: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (extraKeys.includes(key)) keyed[key] = typeof value === 'string' ? value : JSON.stringify(value);
    else rest[key] = value;
  }
  return { text: Object.keys(rest).length === 0 ? '' : JSON.stringify(rest), keyed };
}
