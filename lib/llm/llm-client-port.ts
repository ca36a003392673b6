// The port between the card loop and an LLM endpoint: one chat completion with structured output, transport
// retries already done. The OpenAI-compatible adapter is openai-chat-client.ts; tests may pass their own.
import type { TransportReason } from './reason-codes';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * How the answer's shape is requested, strongest first: JSON schema with a decode-time length pattern, JSON schema,
 * JSON mode, or nothing but the prompt (the answer is then parsed from plain text).
 */
export const OUTPUT_STRATEGIES = ['json_schema_pattern', 'json_schema', 'json_object', 'plain'] as const;
export type OutputStrategy = (typeof OUTPUT_STRATEGIES)[number];

export interface StructuredOutput {
  name: string;
  schema: Record<string, unknown>;
  /** The same schema with decode-time length patterns; when given, `json_schema_pattern` is tried first. */
  patternSchema?: Record<string, unknown>;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  output: StructuredOutput;
  signal?: AbortSignal;
}

export interface Completion {
  content: string | null;
  /** The endpoint's explicit refusal (`message.refusal`), if any. */
  refusal: string | null;
  finishReason: string | null;
  /** The strategy the answer was produced with, after any capability fallback. */
  strategy: OutputStrategy;
  promptTokens: number | null;
  completionTokens: number | null;
  /**
   * What the answer cost in time: every HTTP request it took (transport retries and capability fallbacks included)
   * plus the waits between them, so a 429 and its Retry-After show in the figures instead of vanishing.
   */
  latencyMs: number;
  /** HTTP requests made: 1, plus transport retries and capability fallbacks. */
  requests: number;
  /** Of latencyMs, the time spent waiting between transport retries; absent means no wait (a client that never retries). */
  retryWaitMs?: number;
}

export interface LlmClient {
  readonly model: string;
  /** Host (and port) of the base URL, e.g. 'api.openai.com' or '127.0.0.1:11434'. */
  readonly provider: string;
  /** Resolves with the answer, or rejects with LlmTransportError when no answer could be had. */
  complete(request: CompletionRequest): Promise<Completion>;
}

/** No answer: the transport retries are spent or the failure is one retrying cannot fix. */
export class LlmTransportError extends Error {
  override name = 'LlmTransportError';
  readonly reason: TransportReason;
  readonly status: number | null;
  /** Whether trying again later (another transport retry, or a later task try) may succeed. */
  readonly retryable: boolean;
  /** Server-requested wait (Retry-After), in ms. */
  readonly retryAfterMs: number | null;
  strategy: OutputStrategy | null = null;
  /** As Completion's: every request of the call plus the waits between them. */
  latencyMs = 0;
  requests = 0;
  retryWaitMs = 0;

  constructor(
    reason: TransportReason,
    message: string,
    options: { status?: number | null; retryable: boolean; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.reason = reason;
    this.status = options.status ?? null;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}
