// Weekly clean-up of the decks: regenerates cards that failed, were flagged by a reviewer, keep lapsing in
// review, or came from an older prompt version or model. A regenerated card keeps its id, its review history
// and its FSRS state; the content it replaces is kept as a version. Each card is generated under its deck's own
// limit; cards that failed their last regeneration are backed off for 1, 2, 4 … weeks, and a word too long to ever
// fit is left out until its card is edited (lib/flashcards/weak-cards.ts).
import { dag, z } from 'flashflow';
import { generateCardTask, generatedCardSchema } from '../lib/flashcards/card-generation-task';
import { weakWordSchema } from '../lib/flashcards/service-contracts';
import { maxCharsSchema } from '../lib/llm/card-schema';
import { LLM_MODEL_FORMAT } from '../lib/llm/model-allowlist';

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
    max_reasks: z.number().int().min(0).max(10).default(3),
    // Each card keeps to its deck's own limit; this only tightens it for one run. Kept so scripts that passed it
    // before decks had their own limit are still accepted.
    max_example_chars: maxCharsSchema.optional(),
    // Checked against the Op's allowlist at trigger time, as on french_flashcards (ADR 0030).
    model: z.string().trim().min(1).meta({ format: LLM_MODEL_FORMAT }).optional(),
  }),
  defaultArgs: { owner: 'flashflow', retries: 2, retryDelay: '1m', retryExponentialBackoff: true },
});

const select = regeneration.task('select_weak_cards', { output: z.array(weakWordSchema) }, async ({ params, services, log }) => {
  const weak = await services.flashcards.weakCards({ minLapses: params.min_lapses, limit: params.max_cards, model: params.model ?? null });
  const byReason = new Map<string, number>();
  for (const w of weak) for (const r of w.reasons) byReason.set(r, (byReason.get(r) ?? 0) + 1);
  log.info(`${weak.length} weak card(s): ${[...byReason].map(([r, n]) => `${n} ${r}`).join(', ') || 'none'}`);
  return weak;
});

// The report runs whatever happened to single cards; failRunOnFailure still fails the run when a card could not
// be regenerated.
const regenerate = regeneration.task(
  'regenerate_card',
  { expand: select, pool: 'llm', output: generatedCardSchema, failRunOnFailure: true },
  (ctx) =>
    generateCardTask(
      ctx,
      ctx.item,
      { maxChars: Math.min(ctx.item.maxChars, ctx.params.max_example_chars ?? Infinity), maxReasks: ctx.params.max_reasks, model: ctx.params.model, backoffOnFailure: true },
      // Done once this very run wrote it: a retried or resumed task does not pay for the word twice.
      (card) => card.sourceRunId === ctx.runId,
    ),
);

regeneration.task('report', { inputs: { weak: select, results: regenerate }, triggerRule: 'all_done' }, ({ inputs, log }) => {
  const selected = inputs.weak?.length ?? 0;
  const regenerated = (inputs.results ?? []).flatMap((r) => (r?.status === 'valid' ? [r.word] : []));
  log.info(`${regenerated.length} of ${selected} weak card(s) regenerated${regenerated.length ? `: ${regenerated.slice(0, 20).join(', ')}` : ''}`);
  return { selected, regenerated: regenerated.length, words: regenerated };
});

export default regeneration;
