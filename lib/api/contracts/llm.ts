// The LLM quality data: recorded attempts (list and one, with the messages sent and the raw answer) and the
// dashboard's aggregated panels. The dashboard's filter form parses its query string with the same LlmFilterQuery.
import { z } from 'zod';
import { ATTEMPT_OUTCOMES } from '../../llm/attempt-integrity';
import { endpoint } from '../contract';
import { collection, DateTime, DateTimeParam, Paging, PathInt, QueryBool } from './common';

export const LlmFilterQuery = {
  model: z.string().min(1).optional(),
  prompt_version: z.string().min(1).optional(),
  strategy: z.string().min(1).optional().meta({ description: 'json_schema, json_mode or plain.' }),
  deck_id: z.coerce.number().int().positive().optional(),
  dag_id: z.string().min(1).optional(),
  task_id: z.string().min(1).optional().meta({ description: 'The task that asked: generate_card, or any LLM task such as extract_cv.' }),
  dag_run_id: z.string().min(1).optional(),
  created_at_gte: DateTimeParam.optional().meta({ format: 'date-time', description: 'Attempts made at or after this.' }),
  created_at_lt: DateTimeParam.optional().meta({ format: 'date-time', description: 'Attempts made before this.' }),
};
export const LlmFilter = z.object(LlmFilterQuery);

const Ratio = z.number().nullable().meta({ description: 'Between 0 and 1; null without data.' });

export const LlmStats = z
  .object({
    attempts: z.object({
      total: z.number().int().meta({ description: 'Every attempt, provider errors included.' }),
      valid: z.number().int(),
      provider_errors: z.number().int().meta({ description: 'Attempts the provider never answered (timeout, rate limit, auth, 5xx): not counted against compliance.' }),
      provider_error_rate: Ratio.meta({ description: 'provider_errors / total, between 0 and 1; null without attempts.' }),
      answered: z.number().int().meta({ description: 'Attempts the model answered (total − provider_errors).' }),
      latency_p50_ms: z.number().nullable(),
      latency_p95_ms: z.number().nullable(),
      prompt_tokens: z.number(),
      completion_tokens: z.number(),
      tokens_per_attempt: z.number().nullable(),
    }),
    words: z.object({
      attempted: z.number().int().meta({ description: 'Word generations (mapped task instances) with at least one answered attempt.' }),
      first_attempt_valid: z.number().int(),
      final_valid: z.number().int(),
      first_attempt_compliance: Ratio,
      final_compliance: Ratio,
      tokens_per_valid_card: z.number().nullable(),
      rejected_before_call: z.number().int().meta({ description: 'Words that failed before any call (too long to fit the limit); not in the ratios, which count answered words.' }),
      without_answer: z.number().int().meta({ description: 'Word generations whose every attempt was a provider error; not in the ratios.' }),
    }),
    attempts_per_word: z.array(z.object({ attempts: z.number().int(), words: z.number().int() })),
    reasons_by_day: z.array(z.object({ day: z.string(), reason: z.string(), count: z.number().int() })),
    reasons_total: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    attempts_by_day: z.array(
      z.object({
        day: z.string(),
        attempts: z.number().int(),
        invalid: z.number().int().meta({ description: 'Answers that broke a rule.' }),
        provider_errors: z.number().int(),
      }),
    ),
    length_histogram: z.array(
      z.object({ from: z.number().int(), to: z.number().int().nullable(), example: z.number().int(), translation: z.number().int() }),
    ),
    max_chars: z.number().int().nullable(),
  })
  .meta({ id: 'LlmStats' });

export const LlmAttempt = z
  .object({
    attempt_id: z.number().int(),
    dag_id: z.string(),
    dag_run_id: z.string(),
    task_id: z.string(),
    map_index: z.number().int(),
    try_number: z.number().int(),
    deck_id: z.number().int().nullable(),
    word: z.string(),
    attempt: z.number().int().meta({ description: '1 for the first ask of the try, 2… for re-asks.' }),
    model: z.string(),
    provider: z.string(),
    prompt_version: z.string(),
    strategy: z.string(),
    valid: z.boolean(),
    outcome: z.enum(ATTEMPT_OUTCOMES).meta({ description: "'invalid': answered but broke a rule; 'provider_error': no answer (timeout, rate limit, auth, 5xx), see error." }),
    reason_codes: z.array(z.string()),
    example_length: z.number().int().nullable(),
    translation_length: z.number().int().nullable(),
    max_chars: z.number().int(),
    latency_ms: z.number().int().meta({ description: 'The whole attempt: every HTTP request plus the waits between transport retries (older rows: the last request only).' }),
    request_count: z.number().int().nullable().meta({ description: 'HTTP requests the attempt made (transport retries and capability fallbacks included); null on rows recorded before it was measured.' }),
    retry_wait_ms: z.number().int().nullable().meta({ description: 'Of latency_ms, the waits between transport retries (Retry-After or the retry policy); null on older rows.' }),
    prompt_tokens: z.number().int().nullable(),
    completion_tokens: z.number().int().nullable(),
    error: z.string().nullable(),
    created_at: DateTime,
  })
  .meta({ id: 'LlmAttempt' });

export const LlmAttemptCollection = collection('llm_attempts', LlmAttempt, 'LlmAttemptCollection');

export const LlmAttemptDetail = LlmAttempt.extend({
  request_messages: z.array(z.object({ role: z.string(), content: z.string() })),
  raw_response: z.string().nullable(),
  parsed: z.unknown().meta({ description: 'The JSON parsed from the answer before validation; null when none.' }),
}).meta({ id: 'LlmAttemptDetail' });

export const getLlmAttempts = endpoint({
  method: 'GET',
  path: '/llm/attempts',
  operationId: 'get_llm_attempts',
  tag: 'LLM',
  summary: 'List recorded LLM attempts, newest first',
  params: z.object({}),
  query: z.object({
    ...LlmFilterQuery,
    word: z.string().min(1).optional().meta({ description: 'Case-insensitive.' }),
    valid: QueryBool.optional(),
    outcome: z.enum(ATTEMPT_OUTCOMES).optional(),
    ...Paging,
  }),
  response: LlmAttemptCollection,
  errors: [400],
});

export const getLlmAttemptOne = endpoint({
  method: 'GET',
  path: '/llm/attempts/{attempt_id}',
  operationId: 'get_llm_attempt',
  tag: 'LLM',
  summary: 'One LLM attempt with the messages sent, the raw answer and the reasons',
  params: z.object({ attempt_id: PathInt }),
  response: LlmAttemptDetail,
  errors: [400, 404],
});

export const getLlmStats = endpoint({
  method: 'GET',
  path: '/llm/stats',
  operationId: 'get_llm_stats',
  tag: 'LLM',
  summary: 'LLM quality: compliance, attempts per word, failure reasons per day, lengths, latency, tokens',
  params: z.object({}),
  query: LlmFilter,
  response: LlmStats,
  errors: [400],
});

export const llmEndpoints = [getLlmAttempts, getLlmAttemptOne, getLlmStats];
