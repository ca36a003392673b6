// The card loop of one task try: reject a word that cannot fit, ask, validate, re-ask with precise feedback up to
// maxReasks, recording every attempt as its call returns. Transport retries happen inside client.complete; this
// loop only ever re-asks for compliance. Memoization of valid words is the caller's job.
import { systemClock, type Clock } from '../kernel/clock';
import { AttemptRecordingError, type AttemptRecorder, type LlmAttempt } from './attempt-recorder';
import { PROMPT_VERSION, buildCardMessages, buildReaskMessages } from './card-prompt';
import { DEFAULT_MAX_CHARS, cardJsonSchema, maxCharsSchema, type Card } from './card-schema';
import { LlmTransportError, type ChatMessage, type Completion, type LlmClient, type StructuredOutput } from './llm-client-port';
import { parseModelAnswer } from './parse-model-answer';
import type { CardProblem, ReasonCode } from './reason-codes';
import { checkWordFits, reasonCodes, validateCard, type CardLengths } from './validate-card';

export const DEFAULT_MAX_REASKS = 3;

export interface GenerateCardOptions {
  client: LlmClient;
  recorder: AttemptRecorder;
  /** french_example and english_translation must have fewer graphemes than this (default 20). */
  maxChars?: number;
  /** Re-asks after the first ask (default 3): at most maxReasks + 1 attempts. */
  maxReasks?: number;
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
       * Whether a later task try may succeed: false for word_too_long and configuration errors (auth, unknown
       * model, a request the endpoint rejects), true for exhausted re-asks and exhausted transport retries.
       */
      retriable: boolean;
      attempts: LlmAttempt[];
    };

const NO_LENGTHS: CardLengths = { french_word: null, french_example: null, english_word: null, english_translation: null };

export async function generateCard(word: string, hint: string | null, opts: GenerateCardOptions): Promise<GenerateCardResult> {
  const { client, recorder, signal } = opts;
  const maxChars = maxCharsSchema.parse(opts.maxChars ?? DEFAULT_MAX_CHARS);
  const maxReasks = opts.maxReasks ?? DEFAULT_MAX_REASKS;
  if (!Number.isInteger(maxReasks) || maxReasks < 0) throw new RangeError(`maxReasks must be a whole number ≥ 0, got ${maxReasks}`);
  const clock = opts.clock ?? systemClock;
  const entry = word.normalize('NFC').trim();
  const note = hint?.normalize('NFC').trim() || null;
  const rules = { word: entry, maxChars };

  const tooLong = checkWordFits(entry, maxChars);
  if (tooLong) {
    return { ok: false, reasons: ['word_too_long'], problems: [tooLong], message: tooLong.message, retriable: false, attempts: [] };
  }

  const output: StructuredOutput = {
    name: 'flashcard',
    schema: cardJsonSchema({ maxChars, constrainLength: false }),
    ...(opts.decodeConstraint ? { patternSchema: cardJsonSchema({ maxChars, constrainLength: true }) } : {}),
  };
  const firstMessages = buildCardMessages(entry, note, maxChars);
  const attempts: LlmAttempt[] = [];

  const record = async (attempt: LlmAttempt) => {
    attempts.push(attempt);
    try {
      await recorder.record(attempt);
    } catch (cause) {
      throw new AttemptRecordingError(
        `Could not record LLM attempt ${attempt.attempt} for '${entry}': ${cause instanceof Error ? cause.message : String(cause)}`,
        attempts,
        { cause },
      );
    }
  };

  const base = (n: number, messages: ChatMessage[]) => ({
    word: entry,
    hint: note,
    attempt: n,
    model: client.model,
    provider: client.provider,
    promptVersion: PROMPT_VERSION,
    requestMessages: messages,
    maxChars,
  });

  let messages = firstMessages;
  for (let n = 1; ; n++) {
    let completion: Completion;
    try {
      completion = await client.complete({ messages, output, signal });
    } catch (err) {
      if (!(err instanceof LlmTransportError)) throw err;
      await record({
        ...base(n, messages),
        strategy: err.strategy ?? 'plain',
        rawResponse: null,
        parsed: null,
        valid: false,
        reasonCodes: [err.reason],
        problems: [{ code: err.reason, message: err.message }],
        exampleLength: null,
        translationLength: null,
        latencyMs: err.latencyMs,
        promptTokens: null,
        completionTokens: null,
        requests: err.requests,
        finishReason: null,
        error: err.message,
        createdAt: clock.now().toISOString(),
      });
      return {
        ok: false,
        reasons: [err.reason],
        problems: [{ code: err.reason, message: err.message }],
        message: err.message,
        retriable: err.retryable,
        attempts,
      };
    }

    const answer = parseModelAnswer(completion.content, completion.refusal);
    const check = answer.ok
      ? validateCard(answer.value, rules)
      : { ok: false as const, problems: [answer.problem], lengths: NO_LENGTHS };
    const lengths = check.lengths;
    const rawResponse = completion.content ?? completion.refusal;
    const problems = check.ok ? [] : check.problems;
    await record({
      ...base(n, messages),
      strategy: completion.strategy,
      rawResponse,
      parsed: answer.ok ? answer.value : null,
      valid: check.ok,
      reasonCodes: reasonCodes(problems),
      problems,
      exampleLength: lengths.french_example,
      translationLength: lengths.english_translation,
      latencyMs: completion.latencyMs,
      promptTokens: completion.promptTokens,
      completionTokens: completion.completionTokens,
      requests: completion.requests,
      finishReason: completion.finishReason,
      error: null,
      createdAt: clock.now().toISOString(),
    });
    if (check.ok) return { ok: true, card: check.card, attempts };

    if (n > maxReasks) {
      const reasons = reasonCodes(problems);
      return {
        ok: false,
        reasons,
        problems,
        message: `No valid card for '${entry}' after ${n} ${n === 1 ? 'attempt' : 'attempts'}: ${problems.map((p) => p.message).join('; ')}`,
        retriable: true,
        attempts,
      };
    }
    messages = buildReaskMessages(firstMessages, rawResponse?.trim() || '(empty reply)', problems, rules);
  }
}
