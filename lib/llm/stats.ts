// The LLM quality dashboard's numbers for one filter, computed by the database in ONE statement (DESIGN.md §5:
// aggregations are SQL, not loops over rows). A "word" is one generation: a mapped task instance
// (dag, run, task, map_index) with all its tries and re-asks; its first attempt is the lowest (try, attempt).
// Field names are snake_case: this report is served as is by GET /api/v1/llm/stats.
import type { SqlClient } from '../store/database';
import { attemptWhere, type LlmAttemptFilter } from '../store/llm-stats-queries';

/** Example/translation lengths are counted per character from 0 up to this; longer ones share the last bucket. */
export const LENGTH_HISTOGRAM_MAX = 60;

export interface LlmStats {
  attempts: {
    total: number;
    valid: number;
    latency_p50_ms: number | null;
    latency_p95_ms: number | null;
    prompt_tokens: number;
    completion_tokens: number;
    /** Mean prompt + completion tokens per attempt. */
    tokens_per_attempt: number | null;
  };
  words: {
    /** Generations with at least one attempt. */
    attempted: number;
    first_attempt_valid: number;
    final_valid: number;
    /** first_attempt_valid / attempted (0–1), null without words. */
    first_attempt_compliance: number | null;
    /** final_valid / attempted (0–1). */
    final_compliance: number | null;
    /** Prompt + completion tokens spent per valid card. */
    tokens_per_valid_card: number | null;
  };
  /** How many words needed n attempts (all tries together). */
  attempts_per_word: Array<{ attempts: number; words: number }>;
  /** Reason codes of failed attempts, per UTC day. */
  reasons_by_day: Array<{ day: string; reason: string; count: number }>;
  reasons_total: Array<{ reason: string; count: number }>;
  attempts_by_day: Array<{ day: string; attempts: number; invalid: number }>;
  /** Lengths [from, to) of examples and translations; `to` is null for the overflow bucket. */
  length_histogram: Array<{ from: number; to: number | null; example: number; translation: number }>;
  /** The length limit most attempts ran with (the line on the histogram); null without attempts. */
  max_chars: number | null;
}

interface StatsRow {
  attempts: { total: number; valid: number; p50: number | null; p95: number | null; prompt_tokens: number; completion_tokens: number; max_chars: number | null };
  words: { attempted: number; first_attempt_valid: number; final_valid: number };
  attempts_per_word: LlmStats['attempts_per_word'];
  reasons_by_day: LlmStats['reasons_by_day'];
  reasons_total: LlmStats['reasons_total'];
  attempts_by_day: LlmStats['attempts_by_day'];
  length_histogram: Array<{ bucket: number; example: number; translation: number }>;
}

export async function llmStats(sql: SqlClient, filter: LlmAttemptFilter = {}): Promise<LlmStats> {
  const { where, params } = attemptWhere(filter);
  const [row] = await sql.query<StatsRow>(
    // f is NOT MATERIALIZED: each panel scans llm_attempt with the filter itself (using its indexes), which is
    // cheaper than copying every filtered row into a CTE and reading it again per panel. Five scans in all, each a
    // hash aggregate (no per-row sort but the two percentiles'): see bench/dashboard-data.ts.
    `WITH f AS NOT MATERIALIZED (
       SELECT a.dag_id, a.run_id, a.task_id, a.map_index, a.try_number, a.attempt, a.valid, a.reason_codes,
              a.example_length, a.translation_length, a.max_chars, a.latency_ms, a.prompt_tokens, a.completion_tokens,
              (a.created_at AT TIME ZONE 'UTC')::date AS day
         FROM llm_attempt a WHERE ${where}
     ), g AS (
       -- The first attempt is the lowest (try, attempt); its validity rides in the key's last bit, so min() finds
       -- it in a hash aggregate instead of sorting every row.
       SELECT min((try_number * 10000 + attempt) * 2 + (NOT valid)::int) % 2 = 0 AS first_valid,
              bool_or(valid) AS final_valid,
              count(*)::int AS attempts
         FROM f GROUP BY dag_id, run_id, task_id, map_index
     ), lengths AS (
       -- One scan buckets both lengths (bucket b holds [b-1, b); MAX+1 the longer ones); the panel sums each side.
       SELECT width_bucket(example_length, 0, ${LENGTH_HISTOGRAM_MAX}, ${LENGTH_HISTOGRAM_MAX}) AS eb,
              width_bucket(translation_length, 0, ${LENGTH_HISTOGRAM_MAX}, ${LENGTH_HISTOGRAM_MAX}) AS tb,
              count(*)::int AS n
         FROM f GROUP BY 1, 2
     ), reasons AS (
       SELECT f.day, r.reason, count(*)::int AS n
         FROM f CROSS JOIN LATERAL jsonb_array_elements_text(f.reason_codes) AS r(reason)
        WHERE NOT f.valid
        GROUP BY 1, 2
     )
     SELECT
       (SELECT json_build_object(
           'total', count(*)::int,
           'valid', count(*) FILTER (WHERE valid)::int,
           'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms),
           'p95', percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms),
           'prompt_tokens', coalesce(sum(prompt_tokens), 0)::float8,
           'completion_tokens', coalesce(sum(completion_tokens), 0)::float8,
           'max_chars', mode() WITHIN GROUP (ORDER BY max_chars))
          FROM f) AS attempts,
       (SELECT json_build_object(
           'attempted', count(*)::int,
           'first_attempt_valid', count(*) FILTER (WHERE first_valid)::int,
           'final_valid', count(*) FILTER (WHERE final_valid)::int)
          FROM g) AS words,
       (SELECT coalesce(json_agg(json_build_object('attempts', attempts, 'words', n) ORDER BY attempts), '[]'::json)
          FROM (SELECT attempts, count(*)::int AS n FROM g GROUP BY attempts) d) AS attempts_per_word,
       (SELECT coalesce(json_agg(json_build_object('day', to_char(day, 'YYYY-MM-DD'), 'reason', reason, 'count', n) ORDER BY day, reason), '[]'::json)
          FROM reasons) AS reasons_by_day,
       (SELECT coalesce(json_agg(json_build_object('reason', reason, 'count', n) ORDER BY n DESC, reason), '[]'::json)
          FROM (SELECT reason, sum(n)::int AS n FROM reasons GROUP BY reason) d) AS reasons_total,
       (SELECT coalesce(json_agg(json_build_object('day', to_char(day, 'YYYY-MM-DD'), 'attempts', n, 'invalid', invalid) ORDER BY day), '[]'::json)
          FROM (SELECT day, count(*)::int AS n, count(*) FILTER (WHERE NOT valid)::int AS invalid FROM f GROUP BY day) d) AS attempts_by_day,
       (SELECT coalesce(json_agg(json_build_object('bucket', bucket, 'example', ex, 'translation', tr) ORDER BY bucket), '[]'::json)
          FROM (SELECT bucket, sum(ex)::int AS ex, sum(tr)::int AS tr
                  FROM (SELECT eb AS bucket, n AS ex, 0 AS tr FROM lengths WHERE eb IS NOT NULL
                        UNION ALL SELECT tb, 0, n FROM lengths WHERE tb IS NOT NULL) b
                 GROUP BY bucket) d) AS length_histogram`,
    params,
  );
  const r = row!;
  const a = r.attempts;
  const w = r.words;
  const tokens = a.prompt_tokens + a.completion_tokens;
  const ratio = (n: number, d: number) => (d > 0 ? n / d : null);
  return {
    attempts: {
      total: a.total,
      valid: a.valid,
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
