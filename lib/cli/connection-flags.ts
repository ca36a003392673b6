// Airflow's `connections add` flags turned into one connection: a URI, a JSON document, or --conn-type with the
// fields one by one; never a mix. Errors name flags, never values: a value may be a password.
import { InvalidInputError } from '../kernel/errors';
import { parseConnectionJson, parseConnectionUri, type ConnectionInput } from '../connections/connection-model';

export interface ConnectionFlags {
  connUri?: string;
  connJson?: string;
  connType?: string;
  connHost?: string;
  connLogin?: string;
  connPassword?: string;
  connSchema?: string;
  connPort?: string;
  connExtra?: string;
  connDescription?: string;
}

const FIELD_FLAGS = ['connType', 'connHost', 'connLogin', 'connPassword', 'connSchema', 'connPort'] as const;
const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function connectionFromFlags(connId: string, f: ConnectionFlags): ConnectionInput {
  if (f.connUri !== undefined && f.connJson !== undefined) throw new InvalidInputError('give either --conn-uri or --conn-json, not both');
  const whole = f.connUri !== undefined ? 'connUri' : f.connJson !== undefined ? 'connJson' : null;
  if (whole) {
    const clashing = [...FIELD_FLAGS, ...(whole === 'connJson' ? (['connExtra'] as const) : [])].filter((k) => f[k] !== undefined);
    if (clashing.length > 0) throw new InvalidInputError(`${clashing.map(flagName).join(', ')} cannot be combined with ${flagName(whole)}`);
    const conn = whole === 'connUri' ? parseConnectionUri(connId, f.connUri!) : parseConnectionJson(connId, f.connJson!);
    return {
      ...conn,
      description: f.connDescription ?? conn.description,
      extra: f.connExtra ?? conn.extra,
    };
  }
  if (f.connType === undefined) throw new InvalidInputError('give the connection as --conn-uri, --conn-json or --conn-type with its fields');
  return {
    conn_id: connId,
    conn_type: f.connType,
    description: f.connDescription,
    host: f.connHost,
    login: f.connLogin,
    password: f.connPassword,
    schema: f.connSchema,
    port: f.connPort === undefined ? undefined : portNumber(f.connPort),
    extra: f.connExtra,
  };
}

function portNumber(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port < 1 || port > 65535) throw new InvalidInputError(`--conn-port must be a whole number from 1 to 65535, not '${text}'`);
  return port;
}
