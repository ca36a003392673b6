// Weekly clean-up of the decks: regenerates cards that failed, were flagged by a reviewer, keep lapsing in
// review, or came from an older prompt version or model. A regenerated card keeps its id, its review history
// and its FSRS state; the content it replaces is kept as a version.
import { z } from 'zod';
import { chain, dag } from '../lib/engine/dag-builder';
import { generateCardTask, type WordToGenerate } from '../lib/flashcards/card-generation-task';
import { DEFAULT_MAX_CHARS, maxCharsSchema } from '../lib/llm/card-schema';

const regeneration = dag({
  dagId: 'flashcard_regeneration',
  description: 'Regenerate weak flashcards every week',
  schedule: '@weekly',
  startDate: '2026-01-01',
  catchup: false,
  maxActiveRuns: 1,
  tags: ['flashcards', 'llm'],
  params: z.object({
    min_lapses: z.number().int().min(1).default(3),
    max_cards: z.number().int().min(1).max(5000).default(200),
    max_example_chars: maxCharsSchema.default(DEFAULT_MAX_CHARS),
    max_reasks: z.number().int().min(0).max(10).default(3),
    model: z.string().trim().min(1).optional(),
  }),
  defaultArgs: { owner: 'flashflow', retries: 2, retryDelay: '1m', retryExponentialBackoff: true },
});

type WeakWord = WordToGenerate & { reasons: string[] };

const select = regeneration.task('select_weak_cards', async (ctx) => {
  const weak = await ctx.call<WeakWord[]>('flashcards.weakCards', { minLapses: ctx.params.min_lapses, limit: ctx.params.max_cards, model: ctx.params.model ?? null });
  const byReason = new Map<string, number>();
  for (const w of weak) for (const r of w.reasons) byReason.set(r, (byReason.get(r) ?? 0) + 1);
  ctx.log.info(`${weak.length} weak card(s): ${[...byReason].map(([r, n]) => `${n} ${r}`).join(', ') || 'none'}`);
  return weak;
});

const regenerate = regeneration.task('regenerate_card', (ctx) =>
  generateCardTask(
    ctx,
    ctx.item as WeakWord,
    { maxChars: ctx.params.max_example_chars, maxReasks: ctx.params.max_reasks, model: ctx.params.model },
    // Done once this very run wrote it: a retried or resumed task does not pay for the word twice.
    (card) => card.sourceRunId === ctx.runId,
  ),
{ pool: 'llm' }).expand({ over: select });

const report = regeneration.task('report', async (ctx) => {
  const weak = ((await ctx.xcomPull<WeakWord[]>('select_weak_cards')) ?? []);
  const results = ((ctx.upstream.regenerate_card ?? []) as Array<{ word: string; status: string } | null>);
  const regenerated = results.filter((r) => r?.status === 'valid').map((r) => r!.word);
  const line = `${regenerated.length} of ${weak.length} weak card(s) regenerated${regenerated.length ? `: ${regenerated.slice(0, 20).join(', ')}` : ''}`;
  ctx.log.info(line);
  return { selected: weak.length, regenerated: regenerated.length, words: regenerated };
}, { triggerRule: 'all_done' });

// The report runs whatever happened to single cards; this leaf fails the run when any card could not be
// regenerated, since a run's state follows its leaves (docs/adr/0006).
const allRegenerated = regeneration.task('all_regenerated', () => true);

chain(regenerate, report);
regenerate.then(allRegenerated);

export default regeneration;
