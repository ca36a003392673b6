// The port through which every LLM attempt leaves lib/llm. The flashcard task's recorder forwards each attempt to
// the process that owns the database (llm_attempt) the moment its call returns, so attempts survive a try that
// later fails or a process killed right after the call.
import { z } from 'zod';
import { attemptProblems } from './attempt-integrity';
import { OUTPUT_STRATEGIES } from './llm-client-port';
import { REASON_CODES, type ReasonCode } from './reason-codes';

const reasonCode = z.custom<ReasonCode>((v) => typeof v === 'string' && (REASON_CODES as readonly string[]).includes(v), 'unknown reason code');
const count = z.number().int().min(0);

/**
 * One attempt as it crosses to the process that records it (llm.recordAttempt); JSON-safe for IPC and HTTP.
 * Parsing it re-checks the attempt (attempt-integrity.ts): the recording side trusts no runner's word that an
 * attempt is valid, nor that a failure was the provider's.
 */
export const llmAttemptSchema = z.object({
  word: z.string(),
  hint: z.string().nullable(),
  /** 1 for the first ask of the try, 2… for the re-asks. */
  attempt: z.number().int().min(1),
  model: z.string(),
  /** Host of the base URL. */
  provider: z.string(),
  promptVersion: z.string(),
  strategy: z.enum(OUTPUT_STRATEGIES),
  requestMessages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
  /** The assistant's text (or its refusal); null when no answer arrived. */
  rawResponse: z.string().nullable(),
  /** The JSON value parsed from the answer, before validation; null when none could be parsed. */
  parsed: z.unknown(),
  valid: z.boolean(),
  reasonCodes: z.array(reasonCode),
  /** The broken rules with the sentences the re-ask used. */
  problems: z.array(z.object({ code: reasonCode, message: z.string(), field: z.string().optional(), length: z.number().optional(), limit: z.number().optional() })),
  /** User-perceived characters (graphemes after NFC) of french_example / english_translation; null if absent. */
  exampleLength: count.nullable(),
  translationLength: count.nullable(),
  maxChars: count,
  /** The whole attempt: every HTTP request plus the waits between transport retries. */
  latencyMs: z.number().min(0),
  promptTokens: count.nullable(),
  completionTokens: count.nullable(),
  /** HTTP requests this attempt made (transport retries and capability fallbacks included). */
  requests: count,
  /** Of latencyMs, the waits between transport retries (Retry-After or the retry policy); absent from older runners. */
  retryWaitMs: z.number().min(0).optional(),
  finishReason: z.string().nullable(),
  /** Transport failure message, when no answer arrived. */
  error: z.string().nullable(),
  /** When the call returned, ISO 8601. */
  createdAt: z.string(),
}).superRefine((attempt, ctx) => {
  for (const message of attemptProblems(attempt)) ctx.addIssue({ code: 'custom', message: `attempt ${attempt.attempt} for '${attempt.word}': ${message}` });
});
export type LlmAttempt = z.output<typeof llmAttemptSchema>;

export interface AttemptRecorder {
  /** Must resolve only once the attempt is durably recorded; a rejection fails the try. */
  record(attempt: LlmAttempt): Promise<void>;
}

/**
 * An attempt could not be recorded. The try fails (a retriable error): a card whose attempts are missing from
 * llm_attempt would make the compliance dashboard lie, and the next try starts over at a cost of a few calls.
 */
export class AttemptRecordingError extends Error {
  override name = 'AttemptRecordingError';
  constructor(
    message: string,
    readonly attempts: LlmAttempt[],
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}
