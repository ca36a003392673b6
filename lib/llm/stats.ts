// The LLM quality dashboard's numbers, shaped from the one aggregate row the store computes
// (lib/store/llm-stats-aggregate.ts). A "word" is one generation: a mapped task instance (dag, run, task,
// map_index) with all its tries and re-asks. Compliance is over answers: an attempt the provider never answered
// (outcome 'provider_error': timeout, 429, auth, 5xx) is counted as its own figure, never as the model failing.
// Field names are snake_case: this report is served as is by GET /api/v1/llm/stats.

/** Example/translation lengths are counted per character from 0 up to this; longer ones share the last bucket. */
export const LENGTH_HISTOGRAM_MAX = 60;

export interface LlmStats {
  attempts: {
    /** Every attempt, provider errors included. */
    total: number;
    valid: number;
    /** Attempts that got no answer (timeout, rate limit, auth, 5xx…): outside compliance. */
    provider_errors: number;
    /** provider_errors / total (0–1), null without attempts. */
    provider_error_rate: number | null;
    /** Attempts the model answered: total − provider_errors. */
    answered: number;
    latency_p50_ms: number | null;
    latency_p95_ms: number | null;
    prompt_tokens: number;
    completion_tokens: number;
    /** Mean prompt + completion tokens per attempt. */
    tokens_per_attempt: number | null;
  };
  words: {
    /** Generations with at least one answered attempt. */
    attempted: number;
    first_attempt_valid: number;
    final_valid: number;
    /** first_attempt_valid / attempted (0–1), null without words. */
    first_attempt_compliance: number | null;
    /** final_valid / attempted (0–1). */
    final_compliance: number | null;
    /** Prompt + completion tokens spent per valid card. */
    tokens_per_valid_card: number | null;
    /** Words that failed before any call (too long to fit the limit): outside the ratios above, which count answers. */
    rejected_before_call: number;
    /** Generations whose every attempt was a provider error: no answer to judge, so outside the ratios too. */
    without_answer: number;
  };
  /** How many words needed n answered attempts (all tries together). */
  attempts_per_word: Array<{ attempts: number; words: number }>;
  /** Reason codes of failed attempts, per UTC day. */
  reasons_by_day: Array<{ day: string; reason: string; count: number }>;
  reasons_total: Array<{ reason: string; count: number }>;
  /** `invalid` counts answers that broke a rule; provider errors are counted apart. */
  attempts_by_day: Array<{ day: string; attempts: number; invalid: number; provider_errors: number }>;
  /** Lengths [from, to) of examples and translations; `to` is null for the overflow bucket. */
  length_histogram: Array<{ from: number; to: number | null; example: number; translation: number }>;
  /** The length limit most attempts ran with (the line on the histogram); null without attempts. */
  max_chars: number | null;
}

/** What the aggregate statement returns: counts and lists, before the ratios and buckets are worked out. */
export interface LlmStatsRow {
  attempts: {
    total: number; valid: number; provider_errors: number; p50: number | null; p95: number | null;
    prompt_tokens: number; completion_tokens: number; max_chars: number | null;
  };
  words: { attempted: number; first_attempt_valid: number; final_valid: number; without_answer: number };
  attempts_per_word: LlmStats['attempts_per_word'];
  reasons_by_day: LlmStats['reasons_by_day'];
  reasons_total: LlmStats['reasons_total'];
  attempts_by_day: LlmStats['attempts_by_day'];
  length_histogram: Array<{ bucket: number; example: number; translation: number }>;
  /** Counted apart: these words have no attempt. */
  rejected_before_call: number;
}

export function shapeLlmStats(r: LlmStatsRow): LlmStats {
  const a = r.attempts;
  const w = r.words;
  const tokens = a.prompt_tokens + a.completion_tokens;
  const ratio = (n: number, d: number) => (d > 0 ? n / d : null);
  return {
    attempts: {
      total: a.total,
      valid: a.valid,
      provider_errors: a.provider_errors,
      provider_error_rate: ratio(a.provider_errors, a.total),
      answered: a.total - a.provider_errors,
      latency_p50_ms: a.p50,
      latency_p95_ms: a.p95,
      prompt_tokens: a.prompt_tokens,
      completion_tokens: a.completion_tokens,
      tokens_per_attempt: ratio(tokens, a.total),
    },
    words: {
      attempted: w.attempted,
      first_attempt_valid: w.first_attempt_valid,
      final_valid: w.final_valid,
      first_attempt_compliance: ratio(w.first_attempt_valid, w.attempted),
      final_compliance: ratio(w.final_valid, w.attempted),
      tokens_per_valid_card: ratio(tokens, w.final_valid),
      rejected_before_call: r.rejected_before_call,
      without_answer: w.without_answer,
    },
    attempts_per_word: r.attempts_per_word,
    reasons_by_day: r.reasons_by_day,
    reasons_total: r.reasons_total,
    attempts_by_day: r.attempts_by_day,
    // width_bucket: bucket b holds lengths [b-1, b); b = MAX+1 holds MAX and longer.
    length_histogram: r.length_histogram.map((b) => ({
      from: b.bucket - 1,
      to: b.bucket > LENGTH_HISTOGRAM_MAX ? null : b.bucket,
      example: b.example,
      translation: b.translation,
    })),
    max_chars: a.max_chars,
  };
}
