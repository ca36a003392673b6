// defineOperator and operator(): the spec a DAG file gets, checked where it is written; defineConnectionType's checks;
// and the masking of secrets from the environment in what a broken plugin says.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OperatorSpec } from '../../lib/engine/dag-model';
import { defineOperator, operator } from '../../lib/plugins/define-operator';
import { connectionTypeSpecOf, defineConnectionType, isPluginConnectionType } from '../../lib/plugins/define-connection-type';
import { connectionType, unknownTypeWarning, type ConnectionTypeSpec } from '../../lib/connections/connection-types';
import { envSecretMasker } from '../../lib/secrets/env-secret-masker';
import { z } from 'zod';

const greet = defineOperator({
  name: 'greet',
  args: z.object({ name: z.string().min(1), times: z.number().int().default(1) }).strict(),
  run: async (args) => `hello ${args.name}`.repeat(args.times),
});

describe('defineOperator', () => {
  it('returns a factory that checks its arguments and makes a spec typed by what run returns', () => {
    const spec = greet({ name: 'Ada' });
    expect(spec).toEqual({ operator: 'greet', args: { name: 'Ada' } });
    expectTypeOf(spec).toEqualTypeOf<OperatorSpec<string>>();
    expect(() => greet({ name: '' })).toThrow(/^greet\(\): invalid arguments: name: /);
    // @ts-expect-error: an argument the schema does not know
    expect(() => greet({ name: 'Ada', loud: true })).toThrow(/invalid arguments/);
  });

  it('refuses a name a task could not be stored under', () => {
    expect(() => defineOperator({ name: 'Greet Me', args: z.object({}), run: () => null })).toThrow(/lower-case words/);
  });

  it('operator() names a plugin operator without loading it', () => {
    expect(operator('greet', { name: 'Ada' })).toEqual({ operator: 'greet', args: { name: 'Ada' } });
    expect(() => operator('../evil')).toThrow(/not an operator name/);
  });
});

describe('defineConnectionType', () => {
  const weather: ConnectionTypeSpec = {
    conn_type: 'weather',
    label: 'Weather station',
    aliases: ['meteo'],
    fields: { host: { label: 'Station URL' }, password: { label: 'API key' } },
    extra: [{ key: 'units', label: 'Units', placeholder: 'metric' }],
    uri_example: 'weather://:key@station.example.com?units=metric',
  };

  it('marks a checked spec that crosses to the server as plain data, and which readers then know', () => {
    const defined = defineConnectionType(weather);
    expect(isPluginConnectionType(defined)).toBe(true);
    expect(isPluginConnectionType(weather)).toBe(false);
    const data = connectionTypeSpecOf(defined);
    expect(structuredClone(data)).toEqual(weather);
    expect(connectionType('METEO', [data])?.conn_type).toBe('weather');
    expect(unknownTypeWarning('weather', [data])).toBeNull();
    expect(unknownTypeWarning('weather')).toMatch(/is not one Flashflow knows/);
  });

  it('refuses a bad spec, naming the type and each problem', () => {
    expect(() => defineConnectionType({ ...weather, conn_type: 'Weather Station', label: '' })).toThrow(
      /^defineConnectionType\('Weather Station'\): invalid spec: conn_type: must be lower case .*; label: /,
    );
    expect(() => defineConnectionType({ ...weather, fields: { hostname: { label: 'Host' } } } as never)).toThrow(/invalid spec: fields: .*hostname/);
    expect(() => defineConnectionType({ ...weather, extra: [{ key: 'units' }] } as never)).toThrow(/invalid spec: extra\.0\.label: /);
  });

  it('refuses a built-in type, an alias of one, and an alias that repeats', () => {
    expect(() => defineConnectionType({ ...weather, conn_type: 'http' })).toThrow("defineConnectionType('http'): 'http' is a built-in connection type; give the plugin's type another name");
    expect(() => defineConnectionType({ ...weather, aliases: ['postgresql'] })).toThrow("'postgresql' is an alias of the built-in connection type 'postgres'");
    expect(() => defineConnectionType({ ...weather, aliases: ['weather'] })).toThrow(/an alias repeats/);
  });
});

describe('envSecretMasker', () => {
  it('masks secret-named variables and the passwords of connection and database URLs', () => {
    const masker = envSecretMasker({
      SHOUT_API_KEY: 'sk-abcdef123',
      FLASHFLOW_CONN_WAREHOUSE: 'postgres://etl:pa55word@db/x',
      FLASHFLOW_CONN_API: JSON.stringify({ conn_type: 'http', password: 'hunter22', extra: { token: 'tok-98765' } }),
      DATABASE_URL: 'postgres://app:dbsecret1@127.0.0.1/ff',
      HOME: '/home/someone',
    });
    expect(masker.mask('sk-abcdef123 pa55word hunter22 tok-98765 dbsecret1 /home/someone')).toBe('*** *** *** *** *** /home/someone');
  });
});
