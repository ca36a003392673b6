// The card loop of one task try: reject a word that cannot fit, then the shared re-ask loop (ask-validated.ts) with
// the card's prompt, rules and feedback. Memoization of valid words is the caller's job.
import type { Clock } from '../kernel/clock';
import { askValidated, type AskValidatedOptions } from './ask-validated';
import type { AttemptRecorder, LlmAttempt } from './attempt-recorder';
import { PROMPT_VERSION, buildCardMessages, buildReaskFeedback } from './card-prompt';
import { DEFAULT_MAX_CHARS, cardJsonSchema, maxCharsSchema, type Card } from './card-schema';
import type { LlmClient } from './llm-client-port';
import type { CardProblem, ReasonCode } from './reason-codes';
import { checkWordFits, validateCard } from './validate-card';

export const DEFAULT_MAX_REASKS = 3;

export interface GenerateCardOptions {
  client: LlmClient;
  recorder: AttemptRecorder;
  /** french_example and english_translation must have fewer graphemes than this (default 20). */
  maxChars?: number;
  /** Re-asks after the first ask (default 3): at most maxReasks + 1 answers for the word, earlier tries included. */
  maxReasks?: number;
  /** What earlier tries of the word spent of that budget (see askValidated). */
  spent?: AskValidatedOptions<Card>['spent'];
  /** Ask for a decode-time length pattern in the JSON schema (strategy json_schema_pattern) where supported. */
  decodeConstraint?: boolean;
  clock?: Pick<Clock, 'now'>;
  signal?: AbortSignal;
}

export type GenerateCardResult =
  | { ok: true; card: Card; attempts: LlmAttempt[] }
  | {
      ok: false;
      /** Reason codes of the last attempt (or word_too_long, with no attempt). */
      reasons: ReasonCode[];
      problems: CardProblem[];
      /** One line for the task log and the user. */
      message: string;
      /**
       * Whether a later task try may succeed: false for word_too_long, a spent re-ask budget and configuration
       * errors (auth, unknown model, a request the endpoint rejects); true for exhausted transport retries.
       */
      retriable: boolean;
      attempts: LlmAttempt[];
    };

export async function generateCard(word: string, hint: string | null, opts: GenerateCardOptions): Promise<GenerateCardResult> {
  const maxChars = maxCharsSchema.parse(opts.maxChars ?? DEFAULT_MAX_CHARS);
  const maxReasks = opts.maxReasks ?? DEFAULT_MAX_REASKS;
  const entry = word.normalize('NFC').trim();
  const note = hint?.normalize('NFC').trim() || null;
  const rules = { word: entry, maxChars };

  const tooLong = checkWordFits(entry, maxChars);
  if (tooLong) {
    return { ok: false, reasons: ['word_too_long'], problems: [tooLong], message: tooLong.message, retriable: false, attempts: [] };
  }

  const result = await askValidated<Card>({
    client: opts.client,
    recorder: opts.recorder,
    messages: buildCardMessages(entry, note, maxChars),
    output: {
      name: 'flashcard',
      schema: cardJsonSchema({ maxChars, constrainLength: false }),
      ...(opts.decodeConstraint ? { patternSchema: cardJsonSchema({ maxChars, constrainLength: true }) } : {}),
    },
    maxReasks,
    ...(opts.spent ? { spent: opts.spent } : {}),
    check: (value) => {
      const check = validateCard(value, rules);
      const lengths = { example: check.lengths.french_example, translation: check.lengths.english_translation };
      return check.ok ? { ok: true, value: check.card, lengths } : { ok: false, problems: check.problems, lengths };
    },
    reask: (problems) => buildReaskFeedback(problems, rules),
    tag: { word: entry, hint: note, promptVersion: PROMPT_VERSION, maxChars },
    noun: 'card',
    subject: `'${entry}'`,
    clock: opts.clock,
    signal: opts.signal,
  });
  if (result.ok) return { ok: true, card: result.value, attempts: result.attempts };
  const { exhausted: _exhausted, ...failure } = result;
  return failure;
}
