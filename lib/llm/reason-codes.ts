// The machine-readable reasons a card generation can fail for. They are stored with every attempt
// (llm_attempt.reason_codes), shown per word in the UI and grouped on the LLM quality dashboard, so the
// strings are a contract: add new ones, never rename.

/** The model answered, but the answer broke a card rule; the loop re-asks with feedback. */
export const COMPLIANCE_REASONS = [
  'invalid_json',
  'schema_mismatch',
  'empty_field',
  'newline_in_field',
  'example_too_long',
  'translation_too_long',
  'word_missing_from_example',
  'refusal',
  // A general LLM task's own rule (a validator of llm-task.ts) was broken; its message says which.
  'validation_failed',
] as const;

/** No usable answer arrived (after the transport retries); re-asking cannot help. */
export const TRANSPORT_REASONS = [
  'timeout',
  'rate_limited',
  'connection_error',
  'http_error',
  'auth_error',
  'model_not_found',
] as const;

/** Decided before any call. */
export const INPUT_REASONS = ['word_too_long'] as const;

export type ComplianceReason = (typeof COMPLIANCE_REASONS)[number];
export type TransportReason = (typeof TRANSPORT_REASONS)[number];
export type ReasonCode = ComplianceReason | TransportReason | (typeof INPUT_REASONS)[number];

export const REASON_CODES: readonly ReasonCode[] = [...COMPLIANCE_REASONS, ...TRANSPORT_REASONS, ...INPUT_REASONS];

/** One broken rule, phrased for both the user and the model's re-ask. */
export interface CardProblem {
  code: ReasonCode;
  /** Sentence addressed to the model ("your french_example '…' has 31 characters; it must have fewer than 20"). */
  message: string;
  field?: string;
  /** Measured user-perceived characters, for the length reasons. */
  length?: number;
  limit?: number;
}
