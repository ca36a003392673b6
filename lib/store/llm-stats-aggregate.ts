// The LLM quality dashboard's numbers for one filter, computed by the database in ONE statement (DESIGN.md §5:
// aggregations are SQL, not loops over rows); lib/llm/stats.ts turns the row into the report. A word's first
// attempt is its lowest (try, attempt) answered one: provider errors (outcome 'provider_error') say nothing about the
// model's compliance, so the word panels leave them out and the attempt panels count them apart.
import type { SqlClient } from './database';
import { GENERATE_TASK_ID } from '../flashcards/deck-progress';
import { attemptWhere, type LlmAttemptFilter } from './llm-stats-queries';
import { LENGTH_HISTOGRAM_MAX, shapeLlmStats, type LlmStats, type LlmStatsRow } from '../llm/stats';

export async function llmStats(sql: SqlClient, filter: LlmAttemptFilter = {}): Promise<LlmStats> {
  const { where, params } = attemptWhere(filter);
  const [[row], rejected] = await Promise.all([sql.query<LlmStatsRow>(
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
              count(*) FILTER (WHERE a.outcome = 'provider_error')::int AS provider_errors,
              -- The first answer is the lowest (try, attempt) that is not a provider error; its validity rides in the
              -- key's last bit.
              min((a.try_number * 10000 + a.attempt) * 2 + (NOT a.valid)::int) FILTER (WHERE a.outcome <> 'provider_error') % 2 = 0 AS first_valid,
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
              coalesce(sum(provider_errors), 0)::int AS provider_errors,
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
     ), generations AS (
       SELECT n - provider_errors AS attempts, valid > 0 AS final_valid, first_valid FROM s WHERE kind = 'w'
     ), words AS (
       -- Words the provider never answered are not counted as failing to comply (words.without_answer says them).
       SELECT * FROM generations WHERE attempts > 0
     ), days AS (
       SELECT day, reason_codes, n, n - valid - provider_errors AS invalid, provider_errors FROM s WHERE kind = 'd'
     ), reasons AS (
       SELECT d.day, r.reason, sum(d.invalid + d.provider_errors)::int AS n
         FROM days d CROSS JOIN LATERAL jsonb_array_elements_text(d.reason_codes) AS r(reason)
        WHERE d.invalid + d.provider_errors > 0
        GROUP BY 1, 2
     ), lengths AS (
       SELECT example_length, translation_length, max_chars, n FROM s WHERE kind = 'l'
     )
     SELECT
       (SELECT json_build_object(
           'total', t.total,
           'valid', t.valid,
           'provider_errors', t.provider_errors,
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
           'final_valid', count(*) FILTER (WHERE final_valid)::int,
           'without_answer', (SELECT count(*)::int FROM generations WHERE attempts = 0))
          FROM words) AS words,
       (SELECT coalesce(json_agg(json_build_object('attempts', attempts, 'words', n) ORDER BY attempts), '[]'::json)
          FROM (SELECT attempts, count(*)::int AS n FROM words GROUP BY attempts) d) AS attempts_per_word,
       (SELECT coalesce(json_agg(json_build_object('day', to_char(day AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'reason', reason, 'count', n) ORDER BY day, reason), '[]'::json)
          FROM reasons) AS reasons_by_day,
       (SELECT coalesce(json_agg(json_build_object('reason', reason, 'count', n) ORDER BY n DESC, reason), '[]'::json)
          FROM (SELECT reason, sum(n)::int AS n FROM reasons GROUP BY reason) d) AS reasons_total,
       (SELECT coalesce(json_agg(json_build_object('day', to_char(day AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'attempts', n, 'invalid', invalid,
                                                   'provider_errors', provider_errors) ORDER BY day), '[]'::json)
          FROM (SELECT day, sum(n)::int AS n, sum(invalid)::int AS invalid, sum(provider_errors)::int AS provider_errors
                  FROM days GROUP BY day) d) AS attempts_by_day,
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
  ), wordsRejectedBeforeCall(sql, filter)]);
  return shapeLlmStats({ ...row!, rejected_before_call: rejected });
}

/**
 * Words that failed before any call (`word_too_long`: the word alone does not fit the limit). They have no attempt,
 * so compliance, which is over answered words, cannot show them; without this count a run that failed on them
 * reads as 100 % compliant. Counted by the run that listed the card and the time it failed; a filter on the model,
 * prompt or strategy matches none (no model was asked), and neither does a task other than the card's.
 */
export async function wordsRejectedBeforeCall(sql: SqlClient, f: LlmAttemptFilter = {}): Promise<number> {
  if (f.model !== undefined || f.promptVersion !== undefined || f.strategy !== undefined) return 0;
  if (f.taskId !== undefined && f.taskId !== GENERATE_TASK_ID) return 0;
  const [row] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM card c JOIN dag_run r ON r.id = c.dag_run_id
      WHERE c.status = 'failed' AND c.failure_reasons @> '[{"code": "word_too_long"}]'::jsonb
        AND ($1::int IS NULL OR c.deck_id = $1) AND ($2::text IS NULL OR r.dag_id = $2) AND ($3::text IS NULL OR r.run_id = $3)
        AND ($4::timestamptz IS NULL OR c.updated_at >= $4) AND ($5::timestamptz IS NULL OR c.updated_at < $5)`,
    [f.deckId ?? null, f.dagId ?? null, f.runId ?? null, f.since ?? null, f.until ?? null],
  );
  return row?.n ?? 0;
}
