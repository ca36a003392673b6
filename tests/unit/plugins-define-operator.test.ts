// defineOperator and operator(): the spec a DAG file gets, checked where it is written, and the masking of secrets
// from the environment in what a broken plugin says.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OperatorSpec } from '../../lib/engine/dag-model';
import { defineOperator, operator } from '../../lib/plugins/define-operator';
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
