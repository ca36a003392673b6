// The flagship workflow: pasted movie vocabulary → one LLM-generated French–English card per word, each
// example and translation shorter than the limit, every LLM attempt recorded. Triggered by the web form,
// the API (POST /api/v1/dags/french_flashcards/dagRuns) or `flashflow dags trigger french_flashcards`.
import { dag, z } from 'flashflow';
import { generateCardTask, generatedCardSchema } from '../lib/flashcards/card-generation-task';
import { wordToGenerateSchema } from '../lib/flashcards/service-contracts';
import { vocabularyParam } from '../lib/flashcards/vocabulary-param';
import { DEFAULT_MAX_CHARS, maxCharsSchema } from '../lib/llm/card-schema';
import { LLM_MODEL_FORMAT } from '../lib/llm/model-allowlist';

const params = z.object({
  deck_name: z.string().trim().min(1, 'name the deck (e.g. the movie)').max(200),
  /** The deck made when the run was triggered (the web form does); without it the deck is found or made by name. */
  deck_id: z.number().int().positive().optional(),
  /** Refused when the run is triggered if it holds no word or breaks a limit (entries, bytes, word length). */
  vocabulary: vocabularyParam,
  max_example_chars: maxCharsSchema.default(DEFAULT_MAX_CHARS),
  max_reasks: z.number().int().min(0).max(10).default(3),
  /** One of the models an Op allows in the LLM connection's extra.allowed_models (ADR 0030); default: its model. */
  model: z.string().trim().min(1).meta({ format: LLM_MODEL_FORMAT }).optional(),
  /** Ask endpoints that support it to enforce the length at decode time; recorded per attempt as its strategy. */
  decode_constraint: z.boolean().default(false),
  level: z.string().trim().max(50).optional(),
  notes: z.string().trim().max(2000).optional(),
});

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

const prepare = flashcards.task('parse_vocabulary', { retries: 0, output: z.array(wordToGenerateSchema) }, async ({ params: p, services, log }) => {
  const prepared = await services.flashcards.prepareDeck({
    deckName: p.deck_name, deckId: p.deck_id ?? null, vocabulary: p.vocabulary, level: p.level ?? null, notes: p.notes ?? null,
  });
  log.info(`deck ${prepared.deckId}: ${prepared.words.length} word(s) to generate, ${prepared.skipped.length} already valid`);
  return prepared.words;
});

// One instance per word. The report tasks after it run whatever happens to single words; failRunOnFailure still
// fails the run when a word (or the vocabulary) failed, since a run's state otherwise follows its leaves (ADR 0006).
const generate = flashcards.task(
  'generate_card',
  { expand: prepare, pool: 'llm', output: generatedCardSchema, failRunOnFailure: true },
  (ctx) =>
    generateCardTask(
      ctx,
      ctx.item,
      { maxChars: ctx.params.max_example_chars, maxReasks: ctx.params.max_reasks, model: ctx.params.model, decodeConstraint: ctx.params.decode_constraint },
      (card) => card.status === 'valid',
    ),
);

const saveDeck = flashcards.task('save_deck', { inputs: { words: prepare, cards: generate }, triggerRule: 'all_done' }, async ({ inputs, services }) => {
  const words = inputs.words ?? [];
  const deckId = words[0]?.deckId ?? null;
  const counts = deckId === null ? {} : await services.flashcards.deckReport({ deckId, cardIds: words.map((w) => w.cardId) });
  return { deckId, counts };
});

flashcards.task('report', { inputs: { deck: saveDeck }, triggerRule: 'all_done' }, ({ inputs, params: p, log }) => {
  const counts = inputs.deck?.counts ?? {};
  const line = `deck '${p.deck_name}': ${counts.valid ?? 0} valid, ${counts.failed ?? 0} failed, ${counts.pending ?? 0} pending`;
  log.info(line);
  return line;
});

export default flashcards;
