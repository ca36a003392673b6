// `connections add` flags as Airflow reads them: one of a URI, a JSON document or --conn-type with fields; errors
// name the flags and never repeat a value (it may be a password).
import { describe, expect, it } from 'vitest';
import { connectionFromFlags } from '../../lib/cli/connection-flags';

describe('connectionFromFlags', () => {
  it('reads a URI, keeping --conn-description and letting --conn-extra replace the query', () => {
    expect(connectionFromFlags('pg', { connUri: 'postgresql://etl:p%40ss@db:5433/shop?sslmode=require', connDescription: 'orders' })).toEqual({
      conn_id: 'pg', conn_type: 'postgres', description: 'orders', host: 'db', schema: 'shop', login: 'etl', password: 'p@ss', port: 5433, extra: '{"sslmode":"require"}',
    });
    expect(connectionFromFlags('pg', { connUri: 'postgres://db?sslmode=require', connExtra: '{"sslmode":"disable"}' }).extra).toBe('{"sslmode":"disable"}');
  });

  it('reads a JSON document and fields given one by one', () => {
    expect(connectionFromFlags('s3', { connJson: '{"conn_type": "aws", "login": "AKIA", "password": "k", "extra": {"region_name": "eu-west-1"}}' })).toMatchObject({
      conn_id: 's3', conn_type: 'aws', login: 'AKIA', password: 'k', extra: '{"region_name":"eu-west-1"}',
    });
    expect(connectionFromFlags('api', { connType: 'http', connHost: 'example.com', connPort: '8080', connPassword: 'pw' })).toMatchObject({
      conn_id: 'api', conn_type: 'http', host: 'example.com', port: 8080, password: 'pw',
    });
  });

  it('refuses a mix, a missing type and a bad port in one line that names flags, not values', () => {
    const error = (flags: Parameters<typeof connectionFromFlags>[1]) => {
      try {
        connectionFromFlags('x', flags);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error({ connUri: 'http://h', connJson: '{}' })).toBe('give either --conn-uri or --conn-json, not both');
    expect(error({ connUri: 'http://h', connHost: 'h', connPassword: 'hunter2' })).toBe('--conn-host, --conn-password cannot be combined with --conn-uri');
    expect(error({ connJson: '{"conn_type": "http"}', connExtra: '{}' })).toBe('--conn-extra cannot be combined with --conn-json');
    expect(error({ connHost: 'h' })).toBe('give the connection as --conn-uri, --conn-json or --conn-type with its fields');
    expect(error({ connType: 'http', connPort: '80a' })).toBe("--conn-port must be a whole number from 1 to 65535, not '80a'");
    expect(error({ connUri: 'postgres://u:hunter2@h:notaport/db' })).toBe("connection URI of 'x' is invalid: the port must be a number");
    expect(error({ connJson: '{"host": "h", "password": "hunter2"}' })).toMatch(/^connection JSON of 'x': conn_type: /);
  });
});
