// The shapes a card's content and generation outcome take at the DB boundary.
// CardContentSchema is deliberately a plain shape (non-empty single-line strings): the length and "example uses the
// word" rules of a card's deck are applied by card-rules.ts (with lib/llm's validation) before content is stored, and
// the deck's length limit is held by the database's CHECK on the stored lengths.
import { z } from 'zod';

// NFC and trimmed, but inner whitespace untouched: a newline is refused (DESIGN §4), not silently turned into a space.
const field = z
  .string()
  .transform((value) => value.normalize('NFC').trim())
  .pipe(z.string().min(1, 'must not be empty').refine((value) => !/[\r\n]/.test(value), 'must be a single line'));

export const CardContentSchema = z.object({
  french_word: field,
  french_example: field,
  english_word: field,
  english_translation: field,
});
export type CardContent = z.output<typeof CardContentSchema>;
export type CardContentInput = z.input<typeof CardContentSchema>;

/** What `card.status` may hold: it describes the current content. Flagging is separate (`flagged_at`). */
export const CARD_STATUSES = {
  /** No content yet: waiting for (or during) generation. */
  pending: 'pending',
  /** Has content that passed validation; reviewable. */
  valid: 'valid',
  /** Generation gave up and the card has never had content. A failed REgeneration keeps 'valid' + failure_reasons. */
  failed: 'failed',
} as const;
export type CardStatus = (typeof CARD_STATUSES)[keyof typeof CARD_STATUSES];

/** One reason a generation failed: lib/llm's machine-readable code, and a message for the user when there is one. */
export const FailureReasonSchema = z.object({
  code: z.string().min(1),
  message: z.string().optional(),
  /** For 'word_too_long': the limit the word did not fit, so the regeneration retries it only under a higher one. */
  limit: z.number().int().optional(),
});
export type FailureReason = z.infer<typeof FailureReasonSchema>;

/** Where a generated content came from. */
export const GenerationMetaSchema = z.object({
  promptVersion: z.string().min(1),
  model: z.string().min(1),
  source: z
    .object({ dagId: z.string().min(1), runId: z.string().min(1), mapIndex: z.number().int().nullable() })
    .nullable()
    .default(null),
  /** The card version the generation started from: a card edited since keeps the edit (card-content-updates.ts). */
  baseVersion: z.number().int().min(0).nullable().default(null),
});
export type GenerationMeta = z.input<typeof GenerationMetaSchema>;
