// Compile-time tests of the authoring API: `npm test` type-checks this file, so every `@ts-expect-error` below must
// meet an error (a wrong input type, a missing input, an item of the wrong type, a misplaced option) and every
// `expectTypeOf` must hold. The runtime part only checks that the DAG they build is what the types describe.
import { describe, expectTypeOf, it, expect } from 'vitest';
import { bash, dag, z, type TaskRef } from 'flashflow';
import { compileDag } from '../../../lib/engine/compile-dag';

const d = dag({ dagId: 'typed', params: z.object({ limit: z.number().int().default(3) }) });

const words = d.task('words', () => ['chat', 'chien']);
const count = d.task('count', { inputs: { words } }, ({ inputs }) => inputs.words.length);
const shell = d.task('shell', bash({ command: 'echo hi' }));
const cards = d.task('cards', { expand: words }, ({ item, mapIndex }) => ({ word: item, index: mapIndex }));
const report = d.task('report', { inputs: { cards, count }, triggerRule: 'all_done' }, ({ inputs }) => ({
  made: inputs.cards?.filter((c) => c !== null).length ?? 0,
  of: inputs.count,
}));
const checked = d.task('checked', { output: z.object({ n: z.number() }) }, () => ({ n: 1 }));

describe('authoring types', () => {
  it('types a ref by what its function returns, and an operator by what it yields', () => {
    expectTypeOf(words).toEqualTypeOf<TaskRef<string[]>>();
    expectTypeOf(count).toEqualTypeOf<TaskRef<number>>();
    expectTypeOf(shell).toEqualTypeOf<TaskRef<string | null>>();
    expectTypeOf(checked).toEqualTypeOf<TaskRef<{ n: number }>>();
  });

  it('gives a mapped task its item and its downstream tasks the list of results, null where one left none', () => {
    expectTypeOf(cards).toEqualTypeOf<TaskRef<Array<{ word: string; index: number } | null>>>();
    expectTypeOf(report).toEqualTypeOf<TaskRef<{ made: number; of: number | null }>>();
  });

  it('refuses inputs, items and options of the wrong shape', () => {
    // @ts-expect-error `words` gives string[], not a number
    d.task('bad_input', { inputs: { words } }, ({ inputs }): number => inputs.words);
    // @ts-expect-error no input named `missing`
    d.task('missing_input', { inputs: { words } }, ({ inputs }) => inputs.missing);
    // @ts-expect-error the item of a task mapped over string[] is a string
    d.task('bad_item', { expand: words }, ({ item }): number => item);
    // @ts-expect-error expand needs a task that returns a list
    d.task('not_a_list', { expand: count }, () => 1);
    // @ts-expect-error params are typed by the DAG's schema
    d.task('bad_param', ({ params }): string => params.limit);
    // @ts-expect-error settings go before the function
    d.task('options_after', () => 1, { retries: 2 });
    // @ts-expect-error a function bound to a declared output must return its shape
    d.task('bad_output', { output: z.object({ n: z.number() }) }, () => ({ n: 'one' }));
    // @ts-expect-error services are typed by their contracts
    d.task('bad_service', async ({ services }) => services.flashcards.cardStatus({ cardId: 'seven' }));
    // @ts-expect-error no such service
    d.task('no_service', async ({ services }) => services.flashcards.deleteEverything({}));
  });

  it('builds the edges the inputs name', () => {
    const built = compileDag(d, '/typed.ts');
    expect(built.ok).toBe(false); // the @ts-expect-error tasks above are invalid at run time too
    const ok = dag({ dagId: 'typed_ok' });
    const a = ok.task('a', () => [1, 2]);
    const b = ok.task('b', { expand: a }, ({ item }) => item * 2);
    ok.task('c', { inputs: { a, b } }, ({ inputs }) => inputs.a.length + inputs.b.length);
    const compiled = compileDag(ok, '/typed_ok.ts');
    expect(compiled.ok && compiled.dag.tasks.map((t) => [t.task_id, t.upstream, t.map_over, t.inputs])).toEqual([
      ['a', [], null, {}],
      ['b', ['a'], 'a', {}],
      ['c', ['a', 'b'], null, { a: 'a', b: 'b' }],
    ]);
  });
});
