// What the flashcard tasks ask of the process that owns the database: `ctx.services.flashcards.*` for decks and
// cards, `ctx.services.llm.*` for the provider configuration and the record of every attempt. Contracts only (zod):
// task runners import this file; the implementations are in services.ts, on the database side.
import { z } from 'zod';
import { service } from '../engine/service-contract';
import { llmAttemptSchema } from '../llm/attempt-recorder';
import { cardSchema } from '../llm/card-schema';
import { llmProviderConfigSchema } from '../llm/llm-config';
import { REASON_CODES, type ReasonCode } from '../llm/reason-codes';
import { FailureReasonSchema } from './card-content';

const cardId = z.number().int().positive();

/** A word whose card a generate_card instance makes: `ctx.item` of that mapped task. */
export const wordToGenerateSchema = z.object({
  cardId,
  word: z.string().min(1),
  hint: z.string().nullable(),
  deckId: z.number().int().positive(),
  /** The card's version when the word was listed: a card a person edits meanwhile keeps the edit. */
  version: z.number().int().min(0).optional(),
});
export type WordToGenerate = z.output<typeof wordToGenerateSchema>;

/** A card the weekly regeneration redoes, with why it was picked. */
export const weakWordSchema = wordToGenerateSchema.extend({
  reasons: z.array(z.string()),
  /** The deck's limit: the regeneration generates under it, as the server checks against it. */
  maxChars: z.number().int().min(1),
});

export const flashcardServiceContracts = {
  /**
   * Parses the pasted vocabulary, creates the deck (or takes `deckId`, made when the run was triggered) and a pending
   * card per new word, and records that the calling run lists them; answers what to generate, in map order.
   */
  prepareDeck: service({
    input: z.object({
      deckName: z.string(),
      deckId: z.number().int().positive().nullish(),
      vocabulary: z.string(),
      level: z.string().nullish(),
      notes: z.string().nullish(),
    }),
    output: z.object({
      deckId: z.number().int().positive(),
      words: z.array(wordToGenerateSchema),
      /** Words whose card is already valid: not generated again. */
      skipped: z.array(z.string()),
      duplicates: z.array(z.object({ word: z.string(), line: z.number(), firstLine: z.number() })),
    }),
  }),
  /**
   * Whether a card already passed, and which run last wrote it (memoization: a retried or resumed task never pays
   * for a word twice; the regeneration DAG compares the run).
   */
  cardStatus: service({
    input: z.object({ cardId }),
    output: z.object({ status: z.string(), content: cardSchema.nullable(), sourceRunId: z.string().nullable() }),
    readOnly: true,
  }),
  /** Cards the weekly regeneration should redo, judged against the current prompt and model. */
  weakCards: service({
    input: z.object({ minLapses: z.number().int().min(1), limit: z.number().int().min(1).max(5000), model: z.string().min(1).nullish() }),
    output: z.array(weakWordSchema),
    readOnly: true,
  }),
  /** `backoff`: a regeneration that asked the model failed; the weekly regeneration skips the card a while. */
  markFailed: service({
    input: z.object({ cardId, reasons: z.array(FailureReasonSchema).min(1), backoff: z.boolean().optional() }),
    output: z.object({ cardId, status: z.string() }),
  }),
  /** Cards of a deck by status, among the given ones. */
  deckReport: service({
    input: z.object({ deckId: z.number().int().positive().nullable(), cardIds: z.array(z.number().int()) }),
    output: z.record(z.string(), z.number().int()),
    readOnly: true,
  }),
};

export const llmServiceContracts = {
  /**
   * The provider configuration: connection `llm_default` if it exists, else the OPENAI_* variables; another
   * `connId` must exist (an LLM task that names its connection never falls back to the environment).
   */
  config: service({
    input: z.object({ connId: z.string().min(1).optional() }).optional(),
    output: llmProviderConfigSchema,
    readOnly: true,
  }),
  /**
   * What the earlier tries of the calling task instance spent of a subject's re-ask budget (answers, not provider
   * errors), since it was last cleared by hand: a try retried after a provider error asks only what is left.
   */
  spentBudget: service({
    input: z.object({ word: z.string().min(1) }),
    output: z.object({ answered: z.number().int().min(0), lastReasons: z.array(z.enum(REASON_CODES as [ReasonCode, ...ReasonCode[]])) }),
    readOnly: true,
  }),
  /**
   * Answers only once the row is written, so no attempt is lost to a crash right after the call. A valid attempt's
   * card is saved with it (`saveAs`): a word is never recorded valid without its card. The server checks that card
   * again against its deck's limit and word, and refuses it (and the attempt) when it breaks them.
   */
  recordAttempt: service({
    input: z.object({
      deckId: z.number().int().nullable(),
      attempt: llmAttemptSchema,
      saveAs: z.object({ cardId, promptVersion: z.string().min(1), baseVersion: z.number().int().min(0).nullish() }).nullish(),
    }),
    output: z.object({ id: z.number().int(), saved: cardId.optional() }),
  }),
};
