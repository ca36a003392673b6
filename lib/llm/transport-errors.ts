// Maps what the openai package throws to a transport reason, whether retrying can help, and a message that says
// what to fix. 401/403/404 are configuration mistakes: they fail at once, naming the setting to change.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { retryAfterMs } from '../kernel/retry-after';
import { LlmTransportError } from './llm-client-port';

export interface EndpointDescription {
  baseUrl: string;
  model: string;
  timeoutMs: number;
}

function serverSaid(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  const said = typeof body?.message === 'string' ? body.message : err.message;
  return said.length > 300 ? `${said.slice(0, 300)}…` : said;
}

/** Text of an error response, for capability detection. */
export function errorResponseText(err: APIError): string {
  return `${err.message} ${JSON.stringify(err.error ?? null)} ${err.param ?? ''} ${err.code ?? ''}`;
}

/** Milliseconds the server asked to wait (`retry-after-ms`, or `retry-after` in seconds or as an HTTP date). */
export function providerRetryAfterMs(headers: Headers | undefined, now: Date): number | null {
  if (!headers) return null;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  return retryAfterMs(headers.get('retry-after'), now);
}

export function classifyTransportError(err: unknown, endpoint: EndpointDescription, now: Date): LlmTransportError | null {
  const where = endpoint.baseUrl;
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmTransportError('timeout', `No answer from the LLM provider at ${where} within ${endpoint.timeoutMs} ms`, {
      retryable: true,
      cause: err,
    });
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return new LlmTransportError('connection_error', `Could not reach the LLM provider at ${where}${cause}`, {
      retryable: true,
      cause: err,
    });
  }
  if (!(err instanceof APIError) || err.status === undefined) return null;
  const status = err.status;
  const said = serverSaid(err);
  const options = { status, cause: err };
  if (status === 401) {
    return new LlmTransportError(
      'auth_error',
      `The LLM provider at ${where} rejected the API key (HTTP 401: ${said}). Set a valid key: the password of connection 'llm_default', or OPENAI_API_KEY.`,
      { ...options, retryable: false },
    );
  }
  if (status === 403) {
    return new LlmTransportError(
      'auth_error',
      `The API key may not use model '${endpoint.model}' at ${where} (HTTP 403: ${said}). Grant the key access to the model, or choose another model.`,
      { ...options, retryable: false },
    );
  }
  if (status === 404) {
    return new LlmTransportError(
      'model_not_found',
      `The LLM provider at ${where} answered 404 for model '${endpoint.model}' (${said}). Check the model name (extra "model" of connection 'llm_default', or FLASHFLOW_LLM_MODEL) and that the base URL includes the API path, e.g. http://127.0.0.1:11434/v1.`,
      { ...options, retryable: false },
    );
  }
  if (status === 429) {
    // OpenAI's spent quota is a 429 too, but waiting does not refill it.
    if (err.code === 'insufficient_quota') {
      return new LlmTransportError(
        'rate_limited',
        `The LLM provider at ${where} reports the account's quota is spent (HTTP 429: ${said}). Check the plan and billing of the API key.`,
        { ...options, retryable: false },
      );
    }
    return new LlmTransportError('rate_limited', `The LLM provider at ${where} is rate limiting (HTTP 429: ${said})`, {
      ...options,
      retryable: true,
      retryAfterMs: providerRetryAfterMs(err.headers, now),
    });
  }
  const retryable = status >= 500 || status === 408 || status === 409;
  return new LlmTransportError('http_error', `The LLM provider at ${where} answered HTTP ${status}: ${said}`, {
    ...options,
    retryable,
    retryAfterMs: retryable ? providerRetryAfterMs(err.headers, now) : null,
  });
}
