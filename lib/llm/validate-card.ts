// Checks a parsed model answer against the card rules of a run and reports every broken rule as a reason code
// with a sentence precise enough to re-ask with, plus the measured lengths for the dashboard.
import type { z } from 'zod';
import { CARD_FIELDS, cardSchemaFor, type Card, type CardField, type CardRules } from './card-schema';
import { graphemeLength } from './grapheme-length';
import type { CardProblem, ReasonCode } from './reason-codes';

export interface CardLengths {
  /** User-perceived characters of each field that is a string, after NFC and trimming; null when absent. */
  french_word: number | null;
  french_example: number | null;
  english_word: number | null;
  english_translation: number | null;
}

export type CardCheck =
  | { ok: true; card: Card; lengths: CardLengths }
  | { ok: false; problems: CardProblem[]; lengths: CardLengths };

export function measureCard(value: unknown): CardLengths {
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const measure = (field: CardField) => {
    const v = record[field];
    return typeof v === 'string' ? graphemeLength(v.trim()) : null;
  };
  return {
    french_word: measure('french_word'),
    french_example: measure('french_example'),
    english_word: measure('english_word'),
    english_translation: measure('english_translation'),
  };
}

const EXPECTED_SHAPE = `a JSON object with exactly the keys ${CARD_FIELDS.join(', ')}, each a string`;

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function toProblem(issue: z.core.$ZodIssue, value: unknown): CardProblem {
  const field = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
  if (field === undefined) {
    return { code: 'schema_mismatch', message: `your reply must be ${EXPECTED_SHAPE}, not ${describeType(value)}` };
  }
  const params = (issue.code === 'custom' ? issue.params : undefined) as
    | { reason?: ReasonCode; length?: number; limit?: number }
    | undefined;
  if (params?.reason) {
    return {
      code: params.reason,
      field,
      message: `your ${issue.message.startsWith(field) ? issue.message : `${field} ${issue.message}`}`,
      ...(params.length !== undefined ? { length: params.length, limit: params.limit } : {}),
    };
  }
  if (issue.code === 'too_small') return { code: 'empty_field', field, message: `your ${field} is empty` };
  const got = (value as Record<string, unknown>)[field];
  return {
    code: 'schema_mismatch',
    field,
    message: got === undefined ? `your reply has no ${field}` : `your ${field} must be a string, not ${describeType(got)}`,
  };
}

/** Validates `value` (already parsed from JSON) against the card rules; all problems are reported, not the first. */
export function validateCard(value: unknown, rules: CardRules): CardCheck {
  const lengths = measureCard(value);
  const result = cardSchemaFor(rules).safeParse(value);
  if (result.success) return { ok: true, card: result.data, lengths };
  return { ok: false, problems: result.error.issues.map((issue) => toProblem(issue, value)), lengths };
}

/**
 * The word alone reaches the limit: no example using it can be shorter, so the word is rejected before any call
 * instead of burning re-asks. Returns the problem, or null when the word fits.
 */
export function checkWordFits(word: string, maxChars: number): CardProblem | null {
  const length = graphemeLength(word.trim());
  if (length < maxChars) return null;
  return {
    code: 'word_too_long',
    field: 'french_word',
    message: `'${word.trim()}' has ${length} characters, so no example using it can have fewer than ${maxChars}; shorten the entry or raise max_example_chars`,
    length,
    limit: maxChars,
  };
}

/** Reason codes of a list of problems, each once, in order of first appearance. */
export function reasonCodes(problems: readonly CardProblem[]): ReasonCode[] {
  return [...new Set(problems.map((p) => p.code))];
}
