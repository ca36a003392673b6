// The body of a mapped "generate one card" task, shared by french_flashcards and flashcard_regeneration.
// It runs in a task runner: everything that touches the database goes through ctx.services.
import { z } from 'zod';
import { NonRetriableError, type TaskContext } from '../engine/task-context';
import { PROMPT_VERSION } from '../llm/card-prompt';
import { generateCard } from '../llm/generate-card';
import { providerConfig } from '../llm/provider-config';
import { sharedClient } from '../llm/shared-clients';
import type { flashcardServiceContracts, WordToGenerate } from './service-contracts';

export interface GenerationSettings {
  maxChars: number;
  maxReasks: number;
  model?: string;
  /** Also ask the endpoint to enforce the length while decoding (a bounded `pattern` in the JSON schema). */
  decodeConstraint?: boolean;
  /** A failure after asking the model backs the card off from the next weekly regenerations (the regeneration DAG). */
  backoffOnFailure?: boolean;
}

export type CardStatusAnswer = z.output<(typeof flashcardServiceContracts)['cardStatus']['output']>;

/** What a generate_card instance returns: its XCom, declared as the task's output. */
export const generatedCardSchema = z.object({
  cardId: z.number().int(),
  word: z.string(),
  status: z.string(),
  attempts: z.number().int().optional(),
  reused: z.boolean().optional(),
});
export type GeneratedCard = z.output<typeof generatedCardSchema>;

/** The part of a task's ctx card generation uses, so any flashcard DAG's task can pass its own. */
type GenerationContext = Pick<TaskContext, 'services' | 'log' | 'signal' | 'tryNumber'>;

/**
 * Whether a word must be looked up before it is sent, because an earlier try of it may have saved its card.
 * Try 1 comes straight from the step that listed the words, which left out every card that was already valid. A
 * later try is a retry, a cleared word, or a try resumed after a crash: the engine records a try as started
 * before any of its service calls changes anything (ADR 0018), so a try that saved a card is never requeued under
 * the same number; after a crash it fails as lost and comes back as the next try, which looks.
 */
function mayHaveRunBefore(ctx: GenerationContext): boolean {
  return ctx.tryNumber > 1;
}

/**
 * `isDone` says whether the card needs no call (memoization across retries and restarts). A word that
 * cannot be made valid marks the card failed and fails the try: retriably only after a provider error. The re-ask
 * budget is one per word across tries, so a spent budget fails the word for good (the last reasons in the message).
 */
export async function generateCardTask(
  ctx: GenerationContext,
  item: WordToGenerate,
  settings: GenerationSettings,
  isDone: (status: CardStatusAnswer) => boolean,
): Promise<GeneratedCard> {
  // Every answer is needed before the model is asked: ask at once, so a word costs at most one round trip.
  const again = mayHaveRunBefore(ctx);
  const [status, spent, config] = await Promise.allSettled([
    again ? ctx.services.flashcards.cardStatus({ cardId: item.cardId }) : null,
    // The word as its attempts are recorded (generate-card.ts normalizes it the same way).
    again ? ctx.services.llm.spentBudget({ word: item.word.normalize('NFC').trim() }) : null,
    providerConfig(ctx),
  ]);
  if (status.status === 'rejected') throw status.reason;
  if (status.value && isDone(status.value)) {
    ctx.log.info(`'${item.word}' needs no new card; not asking the model again`);
    return { cardId: item.cardId, word: item.word, status: status.value.status, reused: true };
  }
  if (spent.status === 'rejected') throw spent.reason;
  if (config.status === 'rejected') throw config.reason;
  if (spent.value && spent.value.answered > 0) {
    ctx.log.info(`'${item.word}': earlier tries spent ${spent.value.answered} of its ${settings.maxReasks + 1} answers`);
  }
  const client = sharedClient(settings.model ? { ...config.value, model: settings.model } : config.value);
  const result = await generateCard(item.word, item.hint, {
    client,
    // A valid attempt is recorded and saved as the card in one call (one transaction on the server).
    recorder: {
      record: async (attempt) => {
        const saveAs = attempt.valid ? { cardId: item.cardId, promptVersion: PROMPT_VERSION, baseVersion: item.version ?? null } : null;
        await ctx.services.llm.recordAttempt({ deckId: item.deckId, attempt, saveAs });
      },
    },
    maxChars: settings.maxChars,
    maxReasks: settings.maxReasks,
    ...(spent.value ? { spent: spent.value } : {}),
    decodeConstraint: settings.decodeConstraint ?? false,
    signal: ctx.signal,
  });
  if (result.ok) {
    ctx.log.info(`'${item.word}' → ${result.card.french_example} / ${result.card.english_translation} (${result.attempts.length} attempt(s))`);
    return { cardId: item.cardId, word: item.word, status: 'valid', attempts: result.attempts.length };
  }
  const reasons = result.problems.map((p) => ({ code: p.code, message: p.message, ...(p.code === 'word_too_long' ? { limit: p.limit } : {}) }));
  // A word rejected before any call cost nothing; the regeneration leaves it out until it could fit (weak-cards.ts).
  const asked = !reasons.some((r) => r.code === 'word_too_long');
  await ctx.services.flashcards.markFailed({ cardId: item.cardId, reasons, backoff: (settings.backoffOnFailure ?? false) && asked });
  const message = `'${item.word}': ${result.message}`;
  throw result.retriable ? new Error(message) : new NonRetriableError(message);
}
