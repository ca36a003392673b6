// The flagship workflow: pasted movie vocabulary → one LLM-generated French–English card per word, each
// example and translation shorter than the limit, every LLM attempt recorded. Triggered by the web form,
// the API (POST /api/v1/dags/french_flashcards/dagRuns) or `flashflow dags trigger french_flashcards`.
import { z } from 'zod';
import { chain, dag } from '../lib/engine/dag-builder';
import { NonRetriableError, type TaskContext } from '../lib/engine/task-context';
import { PROMPT_VERSION } from '../lib/llm/card-prompt';
import { DEFAULT_MAX_CHARS, maxCharsSchema, type Card } from '../lib/llm/card-schema';
import { generateCard } from '../lib/llm/generate-card';
import type { LlmProviderConfig } from '../lib/llm/llm-config';
import { createOpenAiChatClient } from '../lib/llm/openai-chat-client';

const params = z.object({
  deck_name: z.string().trim().min(1, 'name the deck (e.g. the movie)').max(200),
  vocabulary: z.string().max(100_000),
  max_example_chars: maxCharsSchema.default(DEFAULT_MAX_CHARS),
  max_reasks: z.number().int().min(0).max(10).default(3),
  model: z.string().trim().min(1).optional(),
  level: z.string().trim().max(50).optional(),
  notes: z.string().trim().max(2000).optional(),
});

interface WordToGenerate {
  cardId: number;
  word: string;
  hint: string | null;
  deckId: number;
}

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

const generate = flashcards.task('generate_card', async (ctx) => {
  const item = ctx.item as WordToGenerate;
  const memo = await ctx.call<{ status: string; content: Card | null }>('flashcards.cardStatus', { cardId: item.cardId });
  if (memo.status === 'valid') {
    ctx.log.info(`'${item.word}' already has a valid card; not asking the model again`);
    return { cardId: item.cardId, word: item.word, status: 'valid', reused: true };
  }
  const config = await ctx.call<LlmProviderConfig>('llm.config');
  const client = createOpenAiChatClient(ctx.params.model ? { ...config, model: ctx.params.model } : config, { log: ctx.log });
  const result = await generateCard(item.word, item.hint, {
    client,
    recorder: { record: async (attempt) => void (await ctx.call('llm.recordAttempt', { deckId: item.deckId, attempt })) },
    maxChars: ctx.params.max_example_chars,
    maxReasks: ctx.params.max_reasks,
    signal: ctx.signal,
  });
  if (result.ok) {
    await ctx.call('flashcards.saveCard', { cardId: item.cardId, card: result.card, promptVersion: PROMPT_VERSION, model: client.model });
    ctx.log.info(`'${item.word}' → ${result.card.french_example} / ${result.card.english_translation} (${result.attempts.length} attempt(s))`);
    return { cardId: item.cardId, word: item.word, status: 'valid', attempts: result.attempts.length };
  }
  await ctx.call('flashcards.markFailed', { cardId: item.cardId, reasons: result.problems.map((p) => ({ code: p.code, message: p.message })) });
  const message = `'${item.word}': ${result.message}`;
  throw result.retriable ? new Error(message) : new NonRetriableError(message);
}, { pool: 'llm' }).expand({ over: prepare });

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
