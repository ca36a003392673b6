// Rules a DAG's params carry as a JSON Schema `format` (lib/engine/validate-conf.ts): the caller's check for that
// format runs on the param's value, its messages land on `conf.<param>` beside the schema's own issues.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SerializedDag } from '../../lib/engine/dag-model';
import { paramFormats, validateConf } from '../../lib/engine/validate-conf';
import { InvalidInputError } from '../../lib/kernel/errors';

const params = z.object({
  words: z.string().meta({ format: 'word-list' }),
  count: z.number().int().min(1).optional(),
  label: z.string().meta({ format: 'nobody-checks-this' }).optional(),
});
const dag = { dag_id: 'formats', params_schema: z.toJSONSchema(params, { io: 'input' }) } as unknown as SerializedDag;
const checks = { 'word-list': (v: unknown) => (String(v).trim() === '' ? ['has no words; the limit is 1 to 3'] : []) };

function refusal(conf: Record<string, unknown>): InvalidInputError {
  try {
    validateConf(dag, conf, checks);
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('validateConf with format checks', () => {
  it('finds the params that declare a format', () => {
    expect([...paramFormats(dag)]).toEqual([['words', 'word-list'], ['label', 'nobody-checks-this']]);
  });

  it("puts the check's message on the param, with the schema's own issues", () => {
    const err = refusal({ words: '  ', count: 0 });
    expect(err.fields).toEqual([
      { path: 'conf.count', message: expect.stringMatching(/>=1/) },
      { path: 'conf.words', message: 'has no words; the limit is 1 to 3' },
    ]);
    expect(err.message).toMatch(/^conf does not match the params of DAG 'formats': .*conf\.words: has no words; the limit is 1 to 3$/);
  });

  it('does not run a check on a value the schema already refused, nor on an unchecked format', () => {
    expect(refusal({ words: 42 }).fields.map((f) => f.path)).toEqual(['conf.words']);
    expect(validateConf(dag, { words: 'chat', label: 'anything' }, checks)).toEqual({ words: 'chat', label: 'anything' });
  });
});
