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
    // ONE scan of llm_attempt: the grouping sets build four small hash tables at once (per word, per day and
    // reason list, per length pair and limit, per latency), and every panel is computed from those few thousand
    // rows. Five separate scans (one per panel) took 1.7× as long on 100,000 attempts (bench/dashboard-data.ts).
    // Percentile and mode are ordered-set aggregates, which cannot share a hashed scan, so they are worked out
    // from the latency and limit counts with percentile_cont's own interpolation.
    `WITH s AS MATERIALIZED (
       SELECT CASE WHEN GROUPING(a.dag_id) = 0 THEN 'w' WHEN GROUPING(day) = 0 THEN 'd'
                   WHEN GROUPING(a.max_chars) = 0 THEN 'l' ELSE 't' END AS kind,
              day, codes AS reason_codes, a.example_length, a.translation_length, a.max_chars, a.latency_ms,
              count(*)::int AS n,
              count(*) FILTER (WHERE a.valid)::int AS valid,
              -- The first attempt is the lowest (try, attempt); its validity rides in the key's last bit.
              min((a.try_number * 10000 + a.attempt) * 2 + (NOT a.valid)::int) % 2 = 0 AS first_valid,
              coalesce(sum(a.prompt_tokens), 0)::float8 AS prompt_tokens,
              coalesce(sum(a.completion_tokens), 0)::float8 AS completion_tokens
         FROM llm_attempt a
        -- date_bin on a UTC origin finds the UTC day without a time-zone lookup per row; only failed attempts
        -- have reasons worth counting, and a NULL hashes faster than a JSON array.
        CROSS JOIN LATERAL (SELECT date_bin('1 day', a.created_at, '2000-01-01 00:00+00') AS day,
                                   CASE WHEN a.valid THEN NULL ELSE a.reason_codes END AS codes) d
        WHERE ${where}
        GROUP BY GROUPING SETS ((a.dag_id, a.run_id, a.task_id, a.map_index), (day, codes),
                                (a.example_length, a.translation_length, a.max_chars), (a.latency_ms))
     ), t AS (
       SELECT coalesce(sum(n), 0)::int AS total, coalesce(sum(valid), 0)::int AS valid,
              coalesce(sum(prompt_tokens), 0)::float8 AS prompt_tokens, coalesce(sum(completion_tokens), 0)::float8 AS completion_tokens
         FROM s WHERE kind = 't'
     ), latency AS (
       -- Each latency value holds the sorted positions [lo, hi); percentile_cont interpolates between the values
       -- at floor(pos) and ceil(pos), pos = p × (total − 1).
       SELECT latency_ms AS v, sum(n) OVER (ORDER BY latency_ms) - n AS lo, sum(n) OVER (ORDER BY latency_ms) AS hi
         FROM s WHERE kind = 't'
     ), pct AS (
       SELECT p.p, max(l.v) FILTER (WHERE l.lo <= floor(p.pos) AND floor(p.pos) < l.hi)::float8 AS first,
              max(l.v) FILTER (WHERE l.lo <= ceil(p.pos) AND ceil(p.pos) < l.hi)::float8 AS second,
              p.pos - floor(p.pos) AS frac
         FROM t CROSS JOIN LATERAL (VALUES (0.5, 0.5::float8 * (t.total - 1)), (0.95, 0.95::float8 * (t.total - 1))) AS p(p, pos)
         JOIN latency l ON l.hi > floor(p.pos) AND l.lo <= ceil(p.pos)
        GROUP BY p.p, p.pos
     ), words AS (
       SELECT n AS attempts, valid > 0 AS final_valid, first_valid FROM s WHERE kind = 'w'
     ), days AS (
       SELECT day, reason_codes, n, n - valid AS invalid FROM s WHERE kind = 'd'
     ), reasons AS (
       SELECT d.day, r.reason, sum(d.invalid)::int AS n
         FROM days d CROSS JOIN LATERAL jsonb_array_elements_text(d.reason_codes) AS r(reason)
        WHERE d.invalid > 0
        GROUP BY 1, 2
     ), lengths AS (
       SELECT example_length, translation_length, max_chars, n FROM s WHERE kind = 'l'
     )
     SELECT
       (SELECT json_build_object(
           'total', t.total,
           'valid', t.valid,
           'p50', (SELECT first + frac * (second - first) FROM pct WHERE p = 0.5),
           'p95', (SELECT first + frac * (second - first) FROM pct WHERE p = 0.95),
           'prompt_tokens', t.prompt_tokens,
           'completion_tokens', t.completion_tokens,
           -- mode(): the most frequent limit, the smallest on a tie.
           'max_chars', (SELECT max_chars FROM lengths GROUP BY max_chars ORDER BY sum(n) DESC, max_chars LIMIT 1))
          FROM t) AS attempts,
       (SELECT json_build_object(
           'attempted', count(*)::int,
           'first_attempt_valid', count(*) FILTER (WHERE first_valid)::int,
           'final_valid', count(*) FILTER (WHERE final_valid)::int)
          FROM words) AS words,
       (SELECT coalesce(json_agg(json_build_object('attempts', attempts, 'words', n) ORDER BY attempts), '[]'::json)
          FROM (SELECT attempts, count(*)::int AS n FROM words GROUP BY attempts) d) AS attempts_per_word,
       (SELECT coalesce(json_agg(json_build_object('day', to_char(day AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'reason', reason, 'count', n) ORDER BY day, reason), '[]'::json)
          FROM reasons) AS reasons_by_day,
       (SELECT coalesce(json_agg(json_build_object('reason', reason, 'count', n) ORDER BY n DESC, reason), '[]'::json)
          FROM (SELECT reason, sum(n)::int AS n FROM reasons GROUP BY reason) d) AS reasons_total,
       (SELECT coalesce(json_agg(json_build_object('day', to_char(day AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'attempts', n, 'invalid', invalid) ORDER BY day), '[]'::json)
          FROM (SELECT day, sum(n)::int AS n, sum(invalid)::int AS invalid FROM days GROUP BY day) d) AS attempts_by_day,
       -- Bucket b holds lengths [b-1, b); MAX+1 the longer ones.
       (SELECT coalesce(json_agg(json_build_object('bucket', bucket, 'example', ex, 'translation', tr) ORDER BY bucket), '[]'::json)
          FROM (SELECT bucket, sum(ex)::int AS ex, sum(tr)::int AS tr
                  FROM (SELECT width_bucket(example_length, 0, ${LENGTH_HISTOGRAM_MAX}, ${LENGTH_HISTOGRAM_MAX}) AS bucket, n AS ex, 0 AS tr
                          FROM lengths WHERE example_length IS NOT NULL
                        UNION ALL
                        SELECT width_bucket(translation_length, 0, ${LENGTH_HISTOGRAM_MAX}, ${LENGTH_HISTOGRAM_MAX}), 0, n
                          FROM lengths WHERE translation_length IS NOT NULL) b
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
