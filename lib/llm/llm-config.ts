// The LLM provider's configuration, resolved from plain objects the caller reads at the edge: the connection
// 'llm_default' (host = base URL, password = API key, extra = model and options) or the environment
// (OPENAI_BASE_URL, OPENAI_API_KEY, FLASHFLOW_LLM_MODEL). There is no fake fallback: nothing configured is an
// error that says how to configure a provider.
import { z } from 'zod';
import { retryPolicySchema, type RetryPolicy } from '../kernel/retry-policy';
import { NonRetriableError } from '../engine/task-context';

export const LLM_CONNECTION_ID = 'llm_default';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export const llmProviderConfigSchema = z.object({
  baseUrl: z.string(),
  /** Null for endpoints without authentication (Ollama, llama.cpp server…). */
  apiKey: z.string().nullable(),
  model: z.string(),
  /** Per HTTP request. */
  timeoutMs: z.number().int().min(1),
  /** Sent only when set: some models (OpenAI's reasoning models) refuse the parameter. */
  temperature: z.number().nullable(),
  maxTokens: z.number().int().nullable(),
  /** Transport retries within one call (429, 5xx, timeouts, connection failures). */
  transportRetry: retryPolicySchema,
  /** A Retry-After longer than this is not waited for inside the call: the try fails and task retries take over. */
  maxRetryAfterMs: z.number().min(0),
  source: z.enum(['connection', 'env']),
});
export type LlmProviderConfig = z.output<typeof llmProviderConfigSchema>;

/** The fields of a stored connection this module reads; `extra` is JSON text or an already-parsed object. */
export interface LlmConnectionInput {
  host?: string | null;
  password?: string | null;
  extra?: string | Record<string, unknown> | null;
}

export interface LlmEnvInput {
  OPENAI_BASE_URL?: string | undefined;
  OPENAI_API_KEY?: string | undefined;
  FLASHFLOW_LLM_MODEL?: string | undefined;
}

export const DEFAULT_TRANSPORT_RETRY: RetryPolicy = {
  maximumAttempts: 4,
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 30_000,
  jitter: 0.2,
};
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** Options in the connection's extra, snake_case as in Airflow connection extras. Unknown keys are ignored. */
const extraSchema = z.object({
  model: z.string().trim().min(1).optional(),
  timeout_ms: z.int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.int().min(1).optional(),
  max_retries: z.int().min(0).max(20).optional(),
  max_retry_after_ms: z.int().min(0).optional(),
});

export const CONFIGURE_PROVIDER_HELP =
  `Create the connection '${LLM_CONNECTION_ID}' (host = the base URL, e.g. http://127.0.0.1:11434/v1 for Ollama or ` +
  `${OPENAI_DEFAULT_BASE_URL}; password = the API key; extra = {"model": "<model name>"}), or set OPENAI_BASE_URL, ` +
  'OPENAI_API_KEY and FLASHFLOW_LLM_MODEL.';

/** The provider is missing or misconfigured. Fails a task at once: retrying cannot fix configuration. */
export class LlmConfigError extends NonRetriableError {
  readonly code = 'llm_not_configured';
}

/** Where a configuration comes from: the connection (`connId`, by default llm_default) if it exists, else the env. */
export interface LlmConfigSources {
  connection?: LlmConnectionInput | null;
  env?: LlmEnvInput;
  /** The id of `connection`, for the messages; default llm_default. */
  connId?: string;
}

export type LlmConfigResult = { ok: true; config: LlmProviderConfig } | { ok: false; message: string };

function blank(v: string | null | undefined): v is null | undefined | '' {
  return v === null || v === undefined || v.trim() === '';
}

function checkBaseUrl(url: string, setting: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${setting} '${url}' is not a URL; give the full base URL, e.g. http://127.0.0.1:11434/v1.`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `${setting} '${url}' must start with http:// or https://.`;
  }
  return null;
}

function parseExtra(extra: LlmConnectionInput['extra'], connId: string): { ok: true; value: z.infer<typeof extraSchema> } | { ok: false; message: string } {
  let raw: unknown = extra ?? {};
  if (typeof raw === 'string') {
    if (raw.trim() === '') raw = {};
    else {
      try {
        raw = JSON.parse(raw);
      } catch {
        return { ok: false, message: `The extra of connection '${connId}' is not valid JSON; write e.g. {"model": "gpt-4o-mini"}.` };
      }
    }
  }
  const parsed = extraSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'extra'}: ${i.message}`).join('; ');
  return { ok: false, message: `The extra of connection '${connId}' is invalid (${issues}).` };
}

/**
 * Resolves the provider from the connection when it exists (a deliberate choice in the UI wins), else from the
 * environment. Returns a message saying what to set when nothing, or not enough, is configured.
 */
export function resolveLlmConfig(sources: LlmConfigSources): LlmConfigResult {
  const { connection, env = {}, connId = LLM_CONNECTION_ID } = sources;
  if (connection) {
    const extra = parseExtra(connection.extra, connId);
    if (!extra.ok) return extra;
    const apiKey = blank(connection.password) ? null : connection.password.trim();
    const host = blank(connection.host) ? null : connection.host.trim();
    if (host === null && apiKey === null) {
      return { ok: false, message: `Connection '${connId}' has neither a host (base URL) nor a password (API key). ${CONFIGURE_PROVIDER_HELP}` };
    }
    const baseUrl = host ?? OPENAI_DEFAULT_BASE_URL;
    const urlProblem = checkBaseUrl(baseUrl, `The host of connection '${connId}'`);
    if (urlProblem) return { ok: false, message: urlProblem };
    if (!extra.value.model) {
      return { ok: false, message: `Connection '${connId}' names no model: set its extra to {"model": "<model name>"}.` };
    }
    const e = extra.value;
    return {
      ok: true,
      config: {
        baseUrl,
        apiKey,
        model: e.model!,
        timeoutMs: e.timeout_ms ?? DEFAULT_TIMEOUT_MS,
        temperature: e.temperature ?? null,
        maxTokens: e.max_tokens ?? null,
        transportRetry: e.max_retries === undefined
          ? DEFAULT_TRANSPORT_RETRY
          : { ...DEFAULT_TRANSPORT_RETRY, maximumAttempts: e.max_retries + 1 },
        maxRetryAfterMs: e.max_retry_after_ms ?? DEFAULT_MAX_RETRY_AFTER_MS,
        source: 'connection',
      },
    };
  }

  const baseUrlEnv = blank(env.OPENAI_BASE_URL) ? null : env.OPENAI_BASE_URL.trim();
  const apiKey = blank(env.OPENAI_API_KEY) ? null : env.OPENAI_API_KEY.trim();
  const model = blank(env.FLASHFLOW_LLM_MODEL) ? null : env.FLASHFLOW_LLM_MODEL.trim();
  if (baseUrlEnv === null && apiKey === null && model === null) {
    return { ok: false, message: `No LLM provider is configured. ${CONFIGURE_PROVIDER_HELP}` };
  }
  if (baseUrlEnv === null && apiKey === null) {
    return { ok: false, message: `FLASHFLOW_LLM_MODEL is set but no provider: set OPENAI_BASE_URL (and OPENAI_API_KEY if the endpoint needs one).` };
  }
  const baseUrl = baseUrlEnv ?? OPENAI_DEFAULT_BASE_URL;
  const urlProblem = checkBaseUrl(baseUrl, 'OPENAI_BASE_URL');
  if (urlProblem) return { ok: false, message: urlProblem };
  if (model === null) {
    return { ok: false, message: `No model is configured: set FLASHFLOW_LLM_MODEL (e.g. gpt-4o-mini, or llama3.1 for Ollama).` };
  }
  return {
    ok: true,
    config: {
      baseUrl,
      apiKey,
      model,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      temperature: null,
      maxTokens: null,
      transportRetry: DEFAULT_TRANSPORT_RETRY,
      maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
      source: 'env',
    },
  };
}

/** As resolveLlmConfig, for a task: throws LlmConfigError (non-retriable) with the message. */
export function requireLlmConfig(sources: LlmConfigSources): LlmProviderConfig {
  const result = resolveLlmConfig(sources);
  if (!result.ok) throw new LlmConfigError(result.message);
  return result.config;
}
