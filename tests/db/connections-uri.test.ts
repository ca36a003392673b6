// Airflow's connection URI and JSON forms, and connections defined by FLASHFLOW_CONN_* variables. Pure functions;
// kept beside the other connection tests.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/kernel/errors';
import { httpBaseUrl } from '../../lib/hooks/http-hook';
import { connectionEnvVar, connectionExtra, parseConnectionUri, type Connection } from '../../lib/connections/connection-model';
import { envConnection, listEnvConnections } from '../../lib/connections/env-connections';

const empty = { description: null, host: null, schema: null, login: null, password: null, port: null, extra: null };
type Fields = Partial<Omit<Connection, 'conn_id'>>;

describe('parseConnectionUri', () => {
  it('parses a PostgreSQL URI with credentials, port, database and extra parameters', () => {
    expect(parseConnectionUri('warehouse', 'postgres://user:pass@host:5432/db?x=y&sslmode=require')).toEqual({
      conn_id: 'warehouse', conn_type: 'postgres', description: null, host: 'host', schema: 'db', login: 'user',
      password: 'pass', port: 5432, extra: '{"x":"y","sslmode":"require"}',
    });
  });

  it("normalises the scheme like Airflow: postgresql → postgres, hyphens → underscores, lower case", () => {
    expect(parseConnectionUri('a', 'postgresql://h').conn_type).toBe('postgres');
    expect(parseConnectionUri('a', 'Google-Cloud-Platform://').conn_type).toBe('google_cloud_platform');
  });

  it('parses an HTTP URI with a path', () => {
    expect(parseConnectionUri('api', 'http://host:8080/path')).toEqual({
      ...empty, conn_id: 'api', conn_type: 'http', host: 'host', port: 8080, schema: 'path',
    });
  });

  it('decodes percent-encoded parts, and splits user info at the last @', () => {
    const conn = parseConnectionUri('a', 'postgres://us%40er:p%3Aa%2Fs%20s@h/my%20db');
    expect(conn).toMatchObject({ login: 'us@er', password: 'p:a/s s', schema: 'my db', host: 'h' });
    expect(parseConnectionUri('a', 'postgres://u:p@ss@h').password).toBe('p@ss');
    expect(parseConnectionUri('a', 'postgres://u@h')).toMatchObject({ login: 'u', password: null });
    expect(parseConnectionUri('a', 'postgres://%2Fvar%2Frun%2Fpostgresql/db').host).toBe('/var/run/postgresql');
  });

  it('takes the whole extra from __extra__, and a host with its own protocol', () => {
    const extra = encodeURIComponent(JSON.stringify({ headers: { 'X-Key': 'v' }, timeout: 5 }));
    expect(parseConnectionUri('a', `http://h?__extra__=${extra}`).extra).toBe('{"headers":{"X-Key":"v"},"timeout":5}');
    expect(parseConnectionUri('a', 'http://https://api.example.com:8443/v2')).toMatchObject({
      conn_type: 'http', host: 'https://api.example.com', port: 8443, schema: 'v2',
    });
    expect(parseConnectionUri('a', 'http://[::1]:81')).toMatchObject({ host: '::1', port: 81 });
  });

  it('refuses malformed URIs without repeating them (they hold passwords)', () => {
    const cases: Array<[string, string]> = [
      ['no-scheme', 'it must start with <conn-type>://'],
      ['postgres://u:secretpw@h:port/db', 'the port must be a number'],
      ['postgres://u:secretpw@h:70000/db', 'the port must be between 1 and 65535'],
      ['postgres://u:secretpw@h?__extra__=[1]', '__extra__ must be a JSON object'],
      ['postgres://u:secret%ZZpw@h', 'the password has an invalid percent-encoding'],
    ];
    for (const [uri, why] of cases) {
      const attempt = () => parseConnectionUri('c', uri);
      expect(attempt).toThrow(InvalidInputError);
      expect(attempt).toThrow(`connection URI of 'c' is invalid: ${why}`);
      try {
        attempt();
      } catch (error) {
        expect((error as Error).message).not.toContain('secret');
      }
    }
  });
});

describe('environment connections', () => {
  it('reads FLASHFLOW_CONN_<CONN_ID in upper case> as a URI or as Airflow JSON', () => {
    expect(connectionEnvVar('my_api.v2')).toBe('FLASHFLOW_CONN_MY_API.V2');
    const env = {
      FLASHFLOW_CONN_MY_DB: 'postgres://u:p@h:5433/d',
      FLASHFLOW_CONN_MY_API: JSON.stringify({ conn_type: 'http', host: 'api.local', login: 'bot', password: 'pw', extra: { headers: { A: '1' } } }),
      FLASHFLOW_CONN_BLANK: '',
      OTHER: 'x',
    };
    expect(envConnection(env, 'my_db')).toMatchObject({ conn_id: 'my_db', conn_type: 'postgres', port: 5433, password: 'p' });
    expect(envConnection(env, 'my_api')).toEqual({
      ...empty, conn_id: 'my_api', conn_type: 'http', host: 'api.local', login: 'bot', password: 'pw', extra: '{"headers":{"A":"1"}}',
    });
    expect(envConnection(env, 'blank')).toBeNull();
    expect(envConnection(env, 'absent')).toBeNull();
    expect(listEnvConnections(env).map((c) => c.conn_id)).toEqual(['my_api', 'my_db']);
  });

  it('names the connection when its JSON is invalid', () => {
    expect(() => envConnection({ FLASHFLOW_CONN_X: '{not json' }, 'x')).toThrow("connection JSON of 'x' is not valid JSON");
    expect(() => envConnection({ FLASHFLOW_CONN_X: '{"host": "h"}' }, 'x')).toThrow(/connection JSON of 'x': conn_type/);
  });

  it('gives extra as an object (extra_dejson)', () => {
    expect(connectionExtra({ conn_id: 'a', extra: null })).toEqual({});
    expect(connectionExtra({ conn_id: 'a', extra: '{"k":1}' })).toEqual({ k: 1 });
    expect(() => connectionExtra({ conn_id: 'a', extra: '[]' })).toThrow("the extra of connection 'a' is not a JSON object");
  });
});

describe('HTTP base URL of a connection', () => {
  const conn = (fields: Fields): Connection => ({ ...empty, conn_id: 'c', conn_type: 'http', ...fields });

  it("follows Airflow: host with a scheme as is, else schema 'http'/'https' as the scheme, port appended", () => {
    expect(httpBaseUrl(conn({ host: 'api.local' }))).toBe('http://api.local');
    expect(httpBaseUrl(conn({ host: 'api.local', schema: 'https', port: 8443 }))).toBe('https://api.local:8443');
    expect(httpBaseUrl(conn({ host: 'https://api.local/v1', port: 444 }))).toBe('https://api.local:444/v1');
    expect(httpBaseUrl(conn({ host: 'api.local', conn_type: 'https' }))).toBe('https://api.local');
  });

  it('uses any other schema as a base path, so http://host:port/path means what it says', () => {
    expect(httpBaseUrl(parseConnectionUri('c', 'http://127.0.0.1:8080/api/v1'))).toBe('http://127.0.0.1:8080/api/v1');
    expect(() => httpBaseUrl(conn({}))).toThrow("connection 'c' has no host, so there is no URL to call");
  });
});
