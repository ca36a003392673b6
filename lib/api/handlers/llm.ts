// LLM attempt and quality endpoints; the dashboard page calls statsFilter + llmStats the same way.
import type { z } from 'zod';
import { NotFoundError } from '../../kernel/errors';
import type { LlmStats as DomainStats } from '../../llm/stats';
import { llmStats } from '../../store/llm-stats-aggregate';
import { getLlmAttempt, listLlmAttempts, type LlmAttemptFilter, type LlmAttemptSummary } from '../../store/llm-stats-queries';
import type { EndpointInput } from '../contract';
import type { getLlmAttempts, LlmAttempt, LlmAttemptCollection, LlmAttemptDetail, LlmFilter } from '../contracts/llm';
import { iso, type ApiRuntime } from './shared';

/** The API's (and the dashboard's) filter query → lib's filter. */
export function statsFilter(q: z.output<typeof LlmFilter>): LlmAttemptFilter {
  return {
    model: q.model,
    promptVersion: q.prompt_version,
    strategy: q.strategy,
    deckId: q.deck_id,
    dagId: q.dag_id,
    taskId: q.task_id,
    runId: q.dag_run_id,
    since: q.created_at_gte,
    until: q.created_at_lt,
  };
}

function serializeAttempt(a: LlmAttemptSummary): z.input<typeof LlmAttempt> {
  return {
    attempt_id: a.id,
    dag_id: a.dagId,
    dag_run_id: a.runId,
    task_id: a.taskId,
    map_index: a.mapIndex,
    try_number: a.tryNumber,
    deck_id: a.deckId,
    word: a.word,
    attempt: a.attempt,
    model: a.model,
    provider: a.provider,
    prompt_version: a.promptVersion,
    strategy: a.strategy,
    valid: a.valid,
    outcome: a.outcome,
    reason_codes: a.reasonCodes,
    example_length: a.exampleLength,
    translation_length: a.translationLength,
    max_chars: a.maxChars,
    latency_ms: a.latencyMs,
    request_count: a.requestCount,
    retry_wait_ms: a.retryWaitMs,
    prompt_tokens: a.promptTokens,
    completion_tokens: a.completionTokens,
    error: a.error,
    created_at: iso(a.createdAt),
  };
}

export async function listAttemptsPage(
  rt: ApiRuntime,
  q: EndpointInput<typeof getLlmAttempts>['query'],
): Promise<z.input<typeof LlmAttemptCollection>> {
  const page = await listLlmAttempts(rt.db.sql, { ...statsFilter(q), word: q.word, valid: q.valid, outcome: q.outcome, limit: q.limit, offset: q.offset });
  return { llm_attempts: page.attempts.map(serializeAttempt), total_entries: page.total };
}

export async function getAttemptOut(rt: ApiRuntime, id: number): Promise<z.input<typeof LlmAttemptDetail>> {
  const a = await getLlmAttempt(rt.db.sql, id);
  if (!a) throw new NotFoundError(`LLM attempt ${id} not found`);
  const messages = Array.isArray(a.requestMessages)
    ? a.requestMessages.map((m: { role?: unknown; content?: unknown }) => ({ role: String(m?.role ?? ''), content: String(m?.content ?? '') }))
    : [];
  return { ...serializeAttempt(a), request_messages: messages, raw_response: a.rawResponse, parsed: a.parsed ?? null };
}

export function getStats(rt: ApiRuntime, q: z.output<typeof LlmFilter>): Promise<DomainStats> {
  return llmStats(rt.db.sql, statsFilter(q));
}
