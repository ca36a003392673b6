// The flagship workflow: pasted movie vocabulary → one LLM-generated French–English card per word, each
// example and translation shorter than the limit, every LLM attempt recorded. Triggered by the web form,
// the API (POST /api/v1/dags/french_flashcards/dagRuns) or `flashflow dags trigger french_flashcards`.
import { z } from 'zod';
import { chain, dag } from '../lib/engine/dag-builder';
import type { TaskContext } from '../lib/engine/task-context';
import { generateCardTask, type WordToGenerate } from '../lib/flashcards/card-generation-task';
import { DEFAULT_MAX_CHARS, maxCharsSchema } from '../lib/llm/card-schema';

const params = z.object({
  deck_name: z.string().trim().min(1, 'name the deck (e.g. the movie)').max(200),
  vocabulary: z.string().max(100_000),
  max_example_chars: maxCharsSchema.default(DEFAULT_MAX_CHARS),
  max_reasks: z.number().int().min(0).max(10).default(3),
  model: z.string().trim().min(1).optional(),
  /** Ask endpoints that support it to enforce the length at decode time; recorded per attempt as its strategy. */
  decode_constraint: z.boolean().default(false),
  level: z.string().trim().max(50).optional(),
  notes: z.string().trim().max(2000).optional(),
});

interface Prepared {
  deckId: number;
  words: WordToGenerate[];
  skipped: string[];
}

const flashcards = dag({
  dagId: 'french_flashcards',
  description: 'Turn movie vocabulary into short French–English flashcards',
  schedule: null,
  tags: ['flashcards', 'llm'],
  params,
  maxActiveTasks: 64,
  defaultArgs: { owner: 'flashflow', retries: 2, retryDelay: '10s', retryExponentialBackoff: true, maxRetryDelay: '5m' },
  doc: 'params: deck_name, vocabulary (one word or expression per line, `word ; hint` allowed), max_example_chars, max_reasks, model',
});

const prepare = flashcards.task('parse_vocabulary', async (ctx) => {
  const p = ctx.params;
  const prepared = await ctx.call<Prepared>('flashcards.prepareDeck', {
    deckName: p.deck_name, vocabulary: p.vocabulary, level: p.level ?? null, notes: p.notes ?? null,
  });
  ctx.log.info(`deck ${prepared.deckId}: ${prepared.words.length} word(s) to generate, ${prepared.skipped.length} already valid`);
  return prepared.words;
}, { retries: 0 });

const generate = flashcards.task('generate_card', (ctx) =>
  generateCardTask(
    ctx,
    ctx.item as WordToGenerate,
    { maxChars: ctx.params.max_example_chars, maxReasks: ctx.params.max_reasks, model: ctx.params.model, decodeConstraint: ctx.params.decode_constraint },
    (card) => card.status === 'valid',
  ),
{ pool: 'llm' }).expand({ over: prepare });

const saveDeck = flashcards.task('save_deck', async (ctx: TaskContext) => {
  const words = (await ctx.xcomPull<WordToGenerate[]>('parse_vocabulary')) ?? [];
  if (words.length === 0) return { generated: 0 };
  const counts = await ctx.call<Record<string, number>>('flashcards.deckReport', { deckId: words[0]!.deckId, cardIds: words.map((w) => w.cardId) });
  return { deckId: words[0]!.deckId, ...counts };
}, { triggerRule: 'all_done' });

const report = flashcards.task('report', (ctx) => {
  const counts = ctx.upstream.save_deck as Record<string, number>;
  const line = `deck '${ctx.params.deck_name}': ${counts.valid ?? 0} valid, ${counts.failed ?? 0} failed, ${counts.pending ?? 0} pending`;
  ctx.log.info(line);
  return line;
}, { triggerRule: 'all_done' });

// Reports run whatever happened to single words; this leaf makes the run itself fail when any word (or the
// vocabulary) failed, since a run's state follows its leaves (docs/adr/0006).
const allWordsValid = flashcards.task('all_words_valid', () => true);

chain(generate, saveDeck, report);
generate.then(allWordsValid);

export default flashcards;
