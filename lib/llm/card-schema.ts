// The flashcard: ONE zod schema for the LLM's answer, the API and the DB boundary (DESIGN.md §4). Field names are
// snake_case because every place the card travels is snake_case: the JSON the model writes, the Airflow-style REST
// API and the SQL columns. The per-run rules (length limit, the word the example must use) come from
// `cardSchemaFor`, which extends the same fields.
import { z } from 'zod';
import type { ReasonCode } from './reason-codes';
import { graphemeLength } from './grapheme-length';
import { exampleUsesWord } from './word-in-example';

export const DEFAULT_MAX_CHARS = 20;
/** Below 5 no sentence fits; above 500 it is no longer a flashcard. */
export const maxCharsSchema = z.int().min(5).max(500);

export const CARD_FIELDS = ['french_word', 'french_example', 'english_word', 'english_translation'] as const;
export type CardField = (typeof CARD_FIELDS)[number];

// U+2028/2029 and NEL render as line breaks too.
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;

/** A card text: NFC, trimmed, non-empty, one line. */
function cardText(description: string) {
  return z
    .string()
    .normalize('NFC')
    .trim()
    .min(1, { error: 'is empty', abort: true })
    .refine((s) => !LINE_BREAK.test(s), { error: 'must be a single line', params: { reason: 'newline_in_field' } })
    .describe(description);
}

export const cardSchema = z.object({
  french_word: cardText('The French word or expression, as given, without the hint'),
  french_example: cardText('A short everyday French sentence that uses the word'),
  english_word: cardText('The English equivalent of the word in this sense'),
  english_translation: cardText('The English translation of french_example'),
});

export type Card = z.infer<typeof cardSchema>;

export interface CardRules {
  /** french_example and english_translation must have FEWER user-perceived characters than this. */
  maxChars: number;
  /** When given, french_example must use it (see word-in-example.ts). */
  word?: string;
}

function shorterThan(field: CardField, maxChars: number, reason: ReasonCode) {
  return (ctx: z.core.ParsePayload<string>) => {
    const length = graphemeLength(ctx.value);
    if (length < maxChars) return;
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `${field} '${ctx.value}' has ${length} characters; it must have fewer than ${maxChars}`,
      params: { reason, length, limit: maxChars },
      continue: true,
    });
  };
}

/** The card schema with a run's rules: what the LLM answer, an edited card and a stored card are checked against. */
export function cardSchemaFor(rules: CardRules) {
  const { maxChars, word } = rules;
  let example = cardSchema.shape.french_example.check(shorterThan('french_example', maxChars, 'example_too_long'));
  if (word !== undefined) {
    example = example.refine((s) => exampleUsesWord(word, s), {
      error: (issue) => `french_example '${String(issue.input)}' does not use the word '${word}'`,
      params: { reason: 'word_missing_from_example' },
    });
  }
  return cardSchema.extend({
    french_example: example,
    english_translation: cardSchema.shape.english_translation.check(
      shorterThan('english_translation', maxChars, 'translation_too_long'),
    ),
  });
}

// JSON Schema keywords every structured-output implementation accepts (OpenAI strict mode rejects minLength and
// friends with a 400 that would read as "json_schema not supported").
const PORTABLE_KEYWORDS = new Set(['type', 'description']);

/**
 * The card as a JSON Schema for `response_format`, derived from `cardSchema`. With `constrainLength`, the two
 * limited fields carry a `pattern` bounding their length, for endpoints that enforce it while decoding; a pattern
 * counts code points, which for NFC French text are the graphemes the validator counts — the validator still has
 * the last word.
 */
export function cardJsonSchema(options: { maxChars: number; constrainLength: boolean }): Record<string, unknown> {
  // Every try of every word asks for it, and z.toJSONSchema walks the schema each time: keep one per variant.
  const key = `${options.maxChars}:${options.constrainLength}`;
  let schema = jsonSchemas.get(key);
  if (!schema) {
    schema = deepFreeze(buildCardJsonSchema(options));
    jsonSchemas.set(key, schema);
  }
  return schema;
}

const jsonSchemas = new Map<string, Record<string, unknown>>();

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v);
  return Object.freeze(value);
}

function buildCardJsonSchema(options: { maxChars: number; constrainLength: boolean }): Record<string, unknown> {
  const full = z.toJSONSchema(cardSchema) as { properties: Record<string, Record<string, unknown>> };
  const properties: Record<string, Record<string, unknown>> = {};
  for (const field of CARD_FIELDS) {
    const source = full.properties[field] ?? {};
    const property = Object.fromEntries(Object.entries(source).filter(([k]) => PORTABLE_KEYWORDS.has(k)));
    if (options.constrainLength && (field === 'french_example' || field === 'english_translation')) {
      property.pattern = `^[^\\r\\n]{1,${options.maxChars - 1}}$`;
    }
    properties[field] = property;
  }
  return { type: 'object', properties, required: [...CARD_FIELDS], additionalProperties: false };
}
