// The connection-type registry the form, the CLI and docs/integrations.md follow: every example URI parses into
// its own type, and every extra key the form treats as a secret is one the masker hides.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectionType, connectionTypes, extraFromForm, extraToForm, unknownTypeWarning } from '../../lib/connections/connection-types';
import { isSensitiveKey, parseConnectionUri } from '../../lib/connections/connection-model';

describe('connection types', () => {
  it.each(connectionTypes().map((t) => [t.conn_type, t] as const))('%s: its URI example parses into the type and only its fields', (_name, t) => {
    const conn = parseConnectionUri('example', t.uri_example);
    expect(connectionType(conn.conn_type)?.conn_type).toBe(t.conn_type);
    for (const field of ['host', 'port', 'login', 'password', 'schema'] as const) {
      if (conn[field] !== null) expect(t.fields[field], `${t.conn_type} example sets ${field}`).toBeDefined();
    }
    const extraKeys = Object.keys(JSON.parse(conn.extra ?? '{}') as object);
    expect(extraKeys.filter((k) => !t.extra.some((e) => e.key === k))).toEqual([]);
  });

  it('marks as secret only extra keys the API masks by name', () => {
    const secrets = connectionTypes().flatMap((t) => t.extra.filter((e) => e.secret).map((e) => e.key));
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.filter((k) => !isSensitiveKey(k))).toEqual([]);
  });

  it('finds a type by an alias, and warns about a type it does not know without refusing it', () => {
    expect(connectionType('postgresql')?.conn_type).toBe('postgres');
    expect(connectionType('HTTPS')?.conn_type).toBe('http');
    expect(unknownTypeWarning('aws')).toBeNull();
    expect(unknownTypeWarning('snowflake')).toMatch(/^connection type 'snowflake' is not one Flashflow knows \(http, postgres, .*\); it is stored as given/);
  });

  it('covers the types the shipped code and the integrations being added read', () => {
    expect(connectionTypes().map((t) => t.conn_type)).toEqual(expect.arrayContaining(['http', 'postgres', 'smtp', 'ftp', 'slackwebhook', 'openai', 'aws', 'mysql', 'amqp']));
    expect(connectionType('aws')?.extra.map((e) => e.key)).toEqual(expect.arrayContaining(['region_name', 'endpoint_url', 's3_force_path_style']));
  });

  it('has a section in docs/integrations.md per type, naming its URI example and every extra key', () => {
    const doc = readFileSync(new URL('../../docs/integrations.md', import.meta.url), 'utf8');
    const sections = new Map([...doc.matchAll(/^## [^\n]*\(`([\w.+-]+)`\)[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/gm)].map((m) => [m[1]!, m[2]!]));
    expect([...sections.keys()].sort()).toEqual(connectionTypes().map((t) => t.conn_type).sort());
    for (const t of connectionTypes()) {
      const section = sections.get(t.conn_type)!;
      expect(section, t.conn_type).toContain(t.uri_example);
      for (const e of t.extra) expect(section, `${t.conn_type} extra ${e.key}`).toContain(`\`${e.key}\``);
    }
  });

  it("builds the form's extra from its JSON text and the type's keyed inputs, typed where the text is JSON", () => {
    expect(extraFromForm('', {})).toEqual({ ok: true, extra: null });
    expect(extraFromForm('{"headers": {"A": "1"}}', { timeout: '30', region_name: 'eu-west-1', s3_force_path_style: 'true', empty: ' ' })).toEqual({
      ok: true, extra: '{"headers":{"A":"1"},"timeout":30,"region_name":"eu-west-1","s3_force_path_style":true}',
    });
    expect(extraFromForm('', { aws_session_token: '12345' }, new Set(['aws_session_token']))).toEqual({ ok: true, extra: '{"aws_session_token":"12345"}' });
    expect(extraFromForm('[1]', {})).toEqual({ ok: false, message: 'Extra must be a JSON object, e.g. {"timeout": 30}.' });
  });

  it('splits a stored extra back into the keyed inputs and the rest, for editing', () => {
    expect(extraToForm(['region_name', 's3_force_path_style'], '{"region_name":"eu-west-1","s3_force_path_style":true,"retries":{"max":3}}')).toEqual({
      keyed: { region_name: 'eu-west-1', s3_force_path_style: 'true' }, text: '{"retries":{"max":3}}',
    });
    expect(extraToForm(['timeout'], null)).toEqual({ keyed: {}, text: '' });
    expect(extraToForm(['timeout'], '***')).toEqual({ keyed: {}, text: '***' });
  });
});
