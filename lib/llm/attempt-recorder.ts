// The port through which every LLM attempt leaves lib/llm. The flashcard task's recorder forwards each attempt to
// the process that owns the database (llm_attempt) the moment its call returns, so attempts survive a try that
// later fails or a process killed right after the call.
import type { ChatMessage, OutputStrategy } from './llm-client-port';
import type { ReasonCode } from './reason-codes';

export interface LlmAttempt {
  word: string;
  hint: string | null;
  /** 1 for the first ask of the try, 2… for the re-asks. */
  attempt: number;
  model: string;
  /** Host of the base URL. */
  provider: string;
  promptVersion: string;
  strategy: OutputStrategy;
  requestMessages: ChatMessage[];
  /** The assistant's text (or its refusal); null when no answer arrived. */
  rawResponse: string | null;
  /** The JSON value parsed from the answer, before validation; null when none could be parsed. */
  parsed: unknown;
  valid: boolean;
  reasonCodes: ReasonCode[];
  /** The broken rules with the sentences the re-ask used. */
  problems: Array<{ code: ReasonCode; message: string; field?: string; length?: number; limit?: number }>;
  /** User-perceived characters (graphemes after NFC) of french_example / english_translation; null if absent. */
  exampleLength: number | null;
  translationLength: number | null;
  maxChars: number;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  /** HTTP requests this attempt made (transport retries and capability fallbacks included). */
  requests: number;
  finishReason: string | null;
  /** Transport failure message, when no answer arrived. */
  error: string | null;
  /** When the call returned, ISO 8601 (JSON-safe for IPC and HTTP). */
  createdAt: string;
}

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
