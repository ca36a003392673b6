// The LlmClient for any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio…), with
// the `openai` package's own retries off: transport failures are retried here with p-retry, waiting what the
// RetryPolicy (or the server's Retry-After) says on an injected clock, so tests never sleep for real.
import OpenAI, { APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import pRetry, { AbortError } from 'p-retry';
import { systemClock, type Clock } from '../kernel/clock';
import { nextRetryDelay } from '../kernel/retry-policy';
import type { LlmProviderConfig } from './llm-config';
import { LlmTransportError, type Completion, type CompletionRequest, type LlmClient, type OutputStrategy } from './llm-client-port';
import {
  capabilityKey,
  firstStrategy,
  processCapabilityCache,
  refusesStrategy,
  responseFormatFor,
  weakerStrategy,
  type CapabilityCache,
} from './structured-output';
import { classifyTransportError, errorResponseText } from './transport-errors';

export interface OpenAiChatClientDeps {
  /** Waits between transport retries; a test clock makes them free. */
  clock?: Clock;
  /** Jitter source for the retry delays. */
  random?: () => number;
  capabilities?: CapabilityCache;
  /** Capability fallbacks and transport retries are worth a line in the task log. */
  log?: { warn(message: string): void };
}

export function providerOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}

export function createOpenAiChatClient(config: LlmProviderConfig, deps: OpenAiChatClientDeps = {}): LlmClient {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const capabilities = deps.capabilities ?? processCapabilityCache;
  const log = deps.log ?? { warn: () => {} };
  const key = capabilityKey(config.baseUrl, config.model);
  const endpoint = { baseUrl: config.baseUrl, model: config.model, timeoutMs: config.timeoutMs };
  const openai = new OpenAI({
    baseURL: config.baseUrl,
    // The package insists on a key; endpoints without authentication ignore the header.
    apiKey: config.apiKey ?? 'no-key',
    maxRetries: 0,
    timeout: config.timeoutMs,
  });

  function body(request: CompletionRequest, strategy: OutputStrategy): ChatCompletionCreateParamsNonStreaming {
    const responseFormat = responseFormatFor(strategy, request.output);
    return {
      model: config.model,
      messages: request.messages,
      ...(responseFormat ? { response_format: responseFormat } : {}),
      ...(config.temperature !== null ? { temperature: config.temperature } : {}),
      ...(config.maxTokens !== null ? { max_tokens: config.maxTokens } : {}),
    };
  }

  async function complete(request: CompletionRequest): Promise<Completion> {
    const { signal } = request;
    let requests = 0;
    // The attempt's cost in time: request durations as measured, retry waits as asked of the clock (a test clock
    // returns at once, yet the wait is what a real run would have spent).
    let requestMs = 0;
    let retryWaitMs = 0;
    const latencyMs = () => Math.round(requestMs + retryWaitMs);
    let strategy: OutputStrategy = firstStrategy(request.output, capabilities.ceiling(key));

    // One transport attempt; a capability refusal steps down and asks again at once, spending no retry.
    const attempt = async (): Promise<Completion> => {
      strategy = firstStrategy(request.output, capabilities.ceiling(key));
      for (;;) {
        const started = performance.now();
        requests++;
        try {
          const response = await openai.chat.completions.create(body(request, strategy), { signal });
          requestMs += performance.now() - started;
          const choice = response.choices[0];
          return {
            content: choice?.message.content ?? null,
            refusal: choice?.message.refusal ?? null,
            finishReason: choice?.finish_reason ?? null,
            strategy,
            promptTokens: response.usage?.prompt_tokens ?? null,
            completionTokens: response.usage?.completion_tokens ?? null,
            latencyMs: latencyMs(),
            requests,
            retryWaitMs: Math.round(retryWaitMs),
          };
        } catch (err) {
          requestMs += performance.now() - started;
          if (err instanceof APIUserAbortError || signal?.aborted) throw new AbortError(err as Error);
          const weaker = weakerStrategy(strategy);
          if (err instanceof APIError && weaker && refusesStrategy(err.status, errorResponseText(err), strategy)) {
            log.warn(`LLM endpoint ${config.baseUrl} (model ${config.model}) refused output strategy '${strategy}' (HTTP ${err.status}); using '${weaker}' from now on`);
            capabilities.refuse(key, strategy);
            strategy = weaker;
            continue;
          }
          const failure = classifyTransportError(err, endpoint, clock.now());
          if (!failure) throw new AbortError(err as Error);
          throw failure.retryable ? failure : new AbortError(failure);
        }
      }
    };

    const policy = config.transportRetry;
    try {
      return await pRetry(attempt, {
        retries: Math.max(0, policy.maximumAttempts - 1),
        // p-retry counts and stops; the waits are ours, on the injected clock.
        minTimeout: 0,
        factor: 1,
        signal,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft <= 0 || !(error instanceof LlmTransportError)) return;
          const delay = error.retryAfterMs ?? nextRetryDelay(policy, attemptNumber + 1, random) ?? 0;
          if (error.retryAfterMs !== null && error.retryAfterMs > config.maxRetryAfterMs) {
            // Throwing here ends p-retry with this error: a long wait belongs to the task's retry policy.
            error.message += `; it asked to wait ${error.retryAfterMs} ms, more than the ${config.maxRetryAfterMs} ms a call waits`;
            throw error;
          }
          log.warn(`${error.message}; retrying in ${delay} ms (${retriesLeft} ${retriesLeft === 1 ? 'retry' : 'retries'} left)`);
          retryWaitMs += delay;
          await clock.sleep(delay, signal);
        },
      });
    } catch (err) {
      if (err instanceof LlmTransportError) {
        err.strategy = strategy;
        err.latencyMs = latencyMs();
        err.requests = requests;
        err.retryWaitMs = Math.round(retryWaitMs);
      }
      throw err;
    }
  }

  return { model: config.model, provider: providerOf(config.baseUrl), complete };
}
