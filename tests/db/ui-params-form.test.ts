// The trigger form's rules (pure; kept beside the other UI tests): fields from a params JSON Schema as zod writes
// it, and the conf built back from the form.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildConf, fieldOfPath, initialValues, paramFields } from '../../app/dags/_components/params-fields';

const schema = z.toJSONSchema(
  z.object({
    deck_name: z.string().min(1),
    vocabulary: z.string().max(100_000),
    max_example_chars: z.number().int().min(5).default(20),
    ratio: z.number().default(0.5),
    level: z.enum(['A1', 'B2']).default('A1'),
    strict: z.boolean().default(false),
    model: z.string().optional(),
    limit: z.number().nullable().default(null),
    words: z.array(z.string()).default(['a']),
  }),
  { io: 'input', unrepresentable: 'any' },
) as Record<string, unknown>;

describe('trigger form from params JSON Schema', () => {
  const fields = paramFields(schema);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  it('picks an input per type: vocabulary a textarea, enums a select, arrays JSON', () => {
    expect(Object.fromEntries(fields.map((f) => [f.name, f.kind]))).toEqual({
      deck_name: 'text', vocabulary: 'textarea', max_example_chars: 'integer', ratio: 'number', level: 'enum',
      strict: 'boolean', model: 'text', limit: 'number', words: 'json',
    });
    expect(byName.level!.options).toEqual(['A1', 'B2']);
    expect(byName.max_example_chars!.min).toBe(5);
    expect(fields.slice(0, 2).map((f) => f.name).sort()).toEqual(['deck_name', 'vocabulary']); // required first
    expect(byName.limit!.nullable).toBe(true);
  });

  it('prefills defaults and builds a typed conf, leaving empty optional fields to the DAG', () => {
    const values = initialValues(fields);
    expect(values).toMatchObject({ max_example_chars: '20', level: 'A1', strict: false, model: '', limit: '', words: '[\n  "a"\n]' });
    const built = buildConf(fields, { ...values, deck_name: 'Amélie', vocabulary: 'chat\nchien', strict: true, ratio: '0.25' });
    expect(built).toEqual({
      conf: { deck_name: 'Amélie', vocabulary: 'chat\nchien', max_example_chars: 20, ratio: 0.25, level: 'A1', strict: true, words: ['a'] },
    });
  });

  it('refuses what the browser can already tell is wrong, and maps server paths to fields', () => {
    const values = { ...initialValues(fields), deck_name: 'x', vocabulary: 'y', max_example_chars: '2.5', words: '[oops' };
    expect(buildConf(fields, values)).toEqual({ errors: { max_example_chars: 'enter a whole number', words: 'enter valid JSON' } });
    expect(fieldOfPath('conf.vocabulary')).toBe('vocabulary');
    expect(fieldOfPath('conf.words.0')).toBe('words');
    expect(fieldOfPath('dag_run_id')).toBeNull();
    expect(paramFields(null)).toEqual([]);
  });
});
