// The LLM quality dashboard's numbers (lib/store/llm-stats-aggregate.ts, shaped by lib/llm/stats.ts) on a real PGlite
// seeded with known attempts: every panel is checked against numbers worked out by hand, and every filter narrows them
// as the dashboard promises.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmStats } from '../../lib/store/llm-stats-aggregate';
import type { Database } from '../../lib/store/database';
import { getLlmAttempt, listLlmAttempts, llmFilterOptions } from '../../lib/store/llm-stats-queries';
import { insertLlmAttempt } from '../../lib/store/llm-attempts';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import { addPendingCards, listCardsForRun, markCardFailed } from '../../lib/flashcards/cards';
import { findFlashcardRun, runProgress } from '../../lib/flashcards/deck-progress';
import { getOrCreateDeck } from '../../lib/flashcards/decks';
import { createTestDb } from '../support/test-db';

let db: Database;
const day = (d: number, h = 12): Date => new Date(Date.UTC(2026, 4, d, h));

interface Seed {
  run?: string;
  map: number;
  word: string;
  tryNumber?: number;
  attempt?: number;
  valid: boolean;
  reasons?: string[];
  ex: number;
  tr: number;
  latency: number;
  model?: string;
  at: Date;
  deckId?: number;
}

async function seed(s: Seed): Promise<number> {
  const attempt = {
    word: s.word,
    attempt: s.attempt ?? 1,
    model: s.model ?? 'fake-model',
    provider: 'openai-compatible',
    promptVersion: 'p1',
    strategy: 'json_schema',
    requestMessages: [{ role: 'user', content: `Make a card for « ${s.word} »` }],
    rawResponse: `{"french_word":"${s.word}"}`,
    parsed: { french_word: s.word },
    valid: s.valid,
    reasonCodes: s.reasons ?? [],
    exampleLength: s.ex,
    translationLength: s.tr,
    maxChars: 20,
    latencyMs: s.latency,
    promptTokens: 100,
    completionTokens: 20,
    error: null,
    createdAt: s.at.toISOString(),
  } as unknown as LlmAttempt;
  return insertLlmAttempt(
    db.sql,
    { dagId: 'french_flashcards', runId: s.run ?? 'run_a', taskId: 'generate_card', mapIndex: s.map, tryNumber: s.tryNumber ?? 1, deckId: s.deckId ?? 1 },
    attempt,
  );
}

let firstId = 0;
beforeAll(async () => {
  db = await createTestDb();
  // run_a: 4 words. chat, pomme, bibliothèque right at once; voiture fails twice in try 1 and passes in try 2.
  firstId = await seed({ map: 0, word: 'chat', valid: true, ex: 12, tr: 13, latency: 100, at: day(1, 10) });
  await seed({ map: 1, word: 'pomme', valid: true, ex: 15, tr: 16, latency: 200, at: day(1, 10) });
  await seed({ map: 2, word: 'bibliothèque', valid: true, ex: 18, tr: 17, latency: 300, at: day(1, 11) });
  await seed({ map: 3, word: 'voiture', valid: false, reasons: ['example_too_long'], ex: 27, tr: 19, latency: 400, at: day(1, 11) });
  await seed({ map: 3, word: 'voiture', attempt: 2, valid: false, reasons: ['translation_too_long', 'word_missing_from_example'], ex: 14, tr: 25, latency: 500, at: day(1, 12) });
  await seed({ map: 3, word: 'voiture', tryNumber: 2, valid: true, ex: 19, tr: 18, latency: 600, at: day(2, 9) });
  // run_b, another model and deck, one day later: a word that never passes.
  await seed({ run: 'run_b', map: 0, word: 'fromage', valid: false, reasons: ['invalid_json'], ex: 70, tr: 3, latency: 1000, model: 'other-model', deckId: 2, at: day(2, 15) });
});
afterAll(() => db?.close());

describe('llmStats', () => {
  it('computes every panel of one model exactly: 4 words, 75 % right first time, 100 % in the end', async () => {
    const s = await llmStats(db.sql, { model: 'fake-model' });
    expect(s.words).toEqual({
      attempted: 4,
      first_attempt_valid: 3,
      final_valid: 4,
      first_attempt_compliance: 0.75,
      final_compliance: 1,
      tokens_per_valid_card: 180, // 6 attempts × 120 tokens / 4 valid cards
      rejected_before_call: 0,
      without_answer: 0,
    });
    expect(s.attempts).toEqual({
      total: 6,
      valid: 4,
      provider_errors: 0,
      provider_error_rate: 0,
      answered: 6,
      latency_p50_ms: 350, // between 300 and 400
      latency_p95_ms: 575, // 500 + 0.75 × (600 − 500)
      prompt_tokens: 600,
      completion_tokens: 120,
      tokens_per_attempt: 120,
    });
    expect(s.attempts_per_word).toEqual([{ attempts: 1, words: 3 }, { attempts: 3, words: 1 }]);
    expect(s.reasons_by_day).toEqual([
      { day: '2026-05-01', reason: 'example_too_long', count: 1 },
      { day: '2026-05-01', reason: 'translation_too_long', count: 1 },
      { day: '2026-05-01', reason: 'word_missing_from_example', count: 1 },
    ]);
    expect(s.attempts_by_day).toEqual([
      { day: '2026-05-01', attempts: 5, invalid: 2, provider_errors: 0 },
      { day: '2026-05-02', attempts: 1, invalid: 0, provider_errors: 0 },
    ]);
    expect(s.max_chars).toBe(20);
    // Examples 12, 15, 18, 27, 14, 19; translations 13, 16, 17, 19, 25, 18: one bucket per length.
    expect(s.length_histogram).toEqual([
      { from: 12, to: 13, example: 1, translation: 0 },
      { from: 13, to: 14, example: 0, translation: 1 },
      { from: 14, to: 15, example: 1, translation: 0 },
      { from: 15, to: 16, example: 1, translation: 0 },
      { from: 16, to: 17, example: 0, translation: 1 },
      { from: 17, to: 18, example: 0, translation: 1 },
      { from: 18, to: 19, example: 1, translation: 1 },
      { from: 19, to: 20, example: 1, translation: 1 },
      { from: 25, to: 26, example: 0, translation: 1 },
      { from: 27, to: 28, example: 1, translation: 0 },
    ]);
  });

  it('counts every model without a filter, and puts over-long lengths in the overflow bucket', async () => {
    const s = await llmStats(db.sql);
    expect(s.words).toMatchObject({ attempted: 5, first_attempt_valid: 3, final_valid: 4, first_attempt_compliance: 0.6, final_compliance: 0.8 });
    expect(s.attempts.total).toBe(7);
    expect(s.reasons_total).toEqual([
      { reason: 'example_too_long', count: 1 },
      { reason: 'invalid_json', count: 1 },
      { reason: 'translation_too_long', count: 1 },
      { reason: 'word_missing_from_example', count: 1 },
    ]);
    expect(s.length_histogram.at(-1)).toEqual({ from: 60, to: null, example: 1, translation: 0 });
    expect(s.length_histogram[0]).toEqual({ from: 3, to: 4, example: 0, translation: 1 });
  });

  it('filters by run, deck, time range, prompt version and strategy', async () => {
    expect((await llmStats(db.sql, { runId: 'run_b' })).words).toMatchObject({ attempted: 1, final_valid: 0, final_compliance: 0 });
    expect((await llmStats(db.sql, { deckId: 1 })).attempts.total).toBe(6);
    const day2 = await llmStats(db.sql, { since: day(2, 0), until: day(3, 0) });
    // Within the range, voiture's only attempt is its valid try 2: the range decides what "first" means.
    expect(day2.words).toMatchObject({ attempted: 2, first_attempt_valid: 1, final_valid: 1 });
    expect((await llmStats(db.sql, { promptVersion: 'p2' })).words).toEqual({
      attempted: 0, first_attempt_valid: 0, final_valid: 0, first_attempt_compliance: null, final_compliance: null, tokens_per_valid_card: null,
      rejected_before_call: 0,
      without_answer: 0,
    });
    const none = await llmStats(db.sql, { strategy: 'plain' });
    expect(none.attempts).toMatchObject({ total: 0, latency_p50_ms: null, latency_p95_ms: null, tokens_per_attempt: null });
    expect(none.length_histogram).toEqual([]);
    expect(none.max_chars).toBeNull();
  });
});

describe('attempt list and detail', () => {
  it('lists attempts newest first with total_entries, filtered by run, word and validity', async () => {
    const page = await listLlmAttempts(db.sql, { runId: 'run_a', limit: 2, offset: 0 });
    expect(page.total).toBe(6);
    expect(page.attempts.map((a) => [a.word, a.tryNumber, a.attempt])).toEqual([['voiture', 2, 1], ['voiture', 1, 2]]);
    const failed = await listLlmAttempts(db.sql, { word: 'VOITURE', valid: false, limit: 10, offset: 0 });
    expect(failed.attempts.map((a) => a.reasonCodes)).toEqual([['translation_too_long', 'word_missing_from_example'], ['example_too_long']]);
    expect(await listLlmAttempts(db.sql, { runId: 'run_a', limit: 10, offset: 50 })).toEqual({ attempts: [], total: 6 });
  });

  it('shows one attempt with the messages sent and the raw answer', async () => {
    const a = await getLlmAttempt(db.sql, firstId);
    expect(a).toMatchObject({ word: 'chat', requestMessages: [{ role: 'user', content: 'Make a card for « chat »' }], rawResponse: '{"french_word":"chat"}' });
    expect(await getLlmAttempt(db.sql, 999_999)).toBeNull();
  });

  it('offers the recorded models, prompt versions, strategies and runs as filter values', async () => {
    const o = await llmFilterOptions(db.sql);
    expect(o.models).toEqual(['fake-model', 'other-model']);
    expect(o.promptVersions).toEqual(['p1']);
    expect(o.strategies).toEqual(['json_schema']);
    expect(o.runs.map((r) => r.runId)).toEqual(['run_b', 'run_a']);
  });
});

describe('words rejected before any call', () => {
  it('counts a word too long to fit on the dashboard and on its run\'s progress, apart from compliance', async () => {
    // run_c failed on one word that alone is longer than the limit: no call, so no attempt for compliance to count.
    await db.sql.query(`INSERT INTO dag (dag_id, fileloc, serialized, version_hash) VALUES ('french_flashcards', 'f.ts', '{}', 'v1')`);
    await db.sql.query(
      `INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end)
       VALUES ('french_flashcards', 'run_c', 'manual', 'failed', $1, $1, $1)`,
      [day(3)],
    );
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Idioms' }, day(3));
    const { cards } = await addPendingCards(db.sql, deck.id, [{ word: 'prendre son courage à deux mains' }], day(3));
    await listCardsForRun(db.sql, { dagId: 'french_flashcards', runId: 'run_c' }, cards.map((c) => c.id));
    await markCardFailed(db.sql, cards[0]!.id, [{ code: 'word_too_long', message: 'the word alone has 32 characters' }], day(3, 13));

    expect((await llmStats(db.sql, { runId: 'run_c' })).words).toMatchObject({ attempted: 0, final_compliance: null, rejected_before_call: 1 });
    expect((await llmStats(db.sql)).words).toMatchObject({ final_compliance: 0.8, rejected_before_call: 1 });
    expect((await llmStats(db.sql, { deckId: deck.id })).words.rejected_before_call).toBe(1);
    // No model was asked, and the word failed outside this range.
    expect((await llmStats(db.sql, { model: 'fake-model' })).words.rejected_before_call).toBe(0);
    expect((await llmStats(db.sql, { since: day(1, 0), until: day(3, 0) })).words.rejected_before_call).toBe(0);

    const progress = await runProgress(db.sql, (await findFlashcardRun(db.sql, 'run_c'))!);
    expect(progress.rejectedBeforeCall).toBe(1);
    expect(progress.words.map((w) => [w.word, w.attempts, w.failureReasons.map((r) => r.code)])).toEqual([
      ['prendre son courage à deux mains', 0, ['word_too_long']],
    ]);
    // A word that was asked and failed is the model's doing, not a rejection.
    const run = (await findFlashcardRun(db.sql, 'run_c'))!;
    await seed({ run: 'run_c', map: 0, word: 'prendre son courage à deux mains', valid: false, reasons: ['example_too_long'], ex: 40, tr: 10, latency: 100, at: day(3, 14) });
    expect((await runProgress(db.sql, run)).rejectedBeforeCall).toBe(0);
    // An attempt that got no answer counts as an attempt, and apart as the provider's.
    await insertLlmAttempt(db.sql, { dagId: 'french_flashcards', runId: 'run_c', taskId: 'generate_card', mapIndex: 0, tryNumber: 1, deckId: 1 }, {
      word: 'prendre son courage à deux mains', attempt: 2, model: 'fake-model', provider: 'openai-compatible', promptVersion: 'p1',
      strategy: 'json_schema', requestMessages: [], rawResponse: null, parsed: null, valid: false, reasonCodes: ['timeout'],
      exampleLength: null, translationLength: null, maxChars: 20, latencyMs: 30_000, promptTokens: null, completionTokens: null,
      error: 'Request timed out.', createdAt: day(3, 15).toISOString(),
    } as unknown as LlmAttempt);
    expect((await runProgress(db.sql, run)).words.map((w) => [w.attempts, w.providerErrors])).toEqual([[2, 1]]);
  });
});

describe('llmStats on many attempts', () => {
  let big: Database;
  beforeAll(async () => {
    big = await createTestDb();
    // 997 attempts (an odd count, so the percentiles interpolate) with repeated latencies, three limits and
    // several tries per word: the one-scan query must agree with PostgreSQL's own aggregates.
    await big.sql.query(
      // Valid rows fit their limit (the table's CHECK); some failures are provider errors (no answer).
      `INSERT INTO llm_attempt (dag_id, run_id, task_id, map_index, try_number, deck_id, word, attempt, model, provider,
         prompt_version, strategy, request_messages, valid, outcome, reason_codes, example_length, translation_length,
         max_chars, latency_ms, prompt_tokens, completion_tokens, error, created_at)
       SELECT 'eq_dag', 'run_' || (i % 7), 'generate_card', i % 13, 1 + (i * 7) % 3, 1, 'w' || (i % 13), 1 + (i * 11) % 4,
              'm', 'p', 'p1', 'json_schema', '[]'::jsonb, v,
              CASE WHEN v THEN 'valid' WHEN pe THEN 'provider_error' ELSE 'invalid' END,
              CASE WHEN v THEN '[]'::jsonb WHEN pe THEN '["timeout"]'::jsonb WHEN i % 3 = 0 THEN '["example_too_long"]'::jsonb
                   ELSE '["empty_field","refusal"]'::jsonb END,
              CASE WHEN v THEN (i * 31) % mc ELSE (i * 31) % 70 END,
              CASE WHEN v THEN (i * 17) % mc WHEN i % 5 = 0 THEN NULL ELSE (i * 17) % 50 END, mc,
              (i * 7919) % 450, 100 + i % 9, 20 + i % 5, CASE WHEN pe THEN 'timeout' END,
              timestamptz '2026-05-01 00:00+00' + (i * 37 || ' minutes')::interval
         FROM (SELECT i, (i * 37) % 10 >= 4 AS v, (i * 37) % 10 < 4 AND i % 7 = 0 AS pe, (ARRAY[20, 25, 20, 30])[1 + i % 4] AS mc
                 FROM generate_series(1, 997) AS i) g`,
    );
  });
  afterAll(() => big?.close());

  it('matches percentile_cont, mode and plain per-panel queries exactly', async () => {
    const s = await llmStats(big.sql, { dagId: 'eq_dag' });
    const [ref] = await big.sql.query<Record<string, number>>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE valid)::int AS valid,
              count(*) FILTER (WHERE error IS NOT NULL)::int AS provider_errors, count(translation_length)::int AS translations,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
              mode() WITHIN GROUP (ORDER BY max_chars) AS max_chars FROM llm_attempt`,
    );
    expect(ref!.provider_errors).toBeGreaterThan(0);
    expect(s.attempts).toMatchObject({ total: ref!.total, valid: ref!.valid, provider_errors: ref!.provider_errors, latency_p50_ms: ref!.p50, latency_p95_ms: ref!.p95 });
    expect(s.max_chars).toBe(ref!.max_chars);

    const [words] = await big.sql.query<Record<string, number>>(
      `SELECT count(*)::int AS attempted, count(*) FILTER (WHERE first_valid)::int AS first_attempt_valid,
              count(*) FILTER (WHERE final_valid)::int AS final_valid
         FROM (SELECT DISTINCT ON (run_id, map_index) run_id, map_index, valid AS first_valid,
                      bool_or(valid) OVER (PARTITION BY run_id, map_index) AS final_valid
                 FROM llm_attempt WHERE error IS NULL ORDER BY run_id, map_index, try_number, attempt) w`,
    );
    expect(s.words).toMatchObject(words!);

    const byDay = await big.sql.query<{ day: string; attempts: number; invalid: number; provider_errors: number }>(
      `SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, count(*)::int AS attempts,
              count(*) FILTER (WHERE NOT valid AND error IS NULL)::int AS invalid,
              count(*) FILTER (WHERE error IS NOT NULL)::int AS provider_errors
         FROM llm_attempt GROUP BY 1 ORDER BY 1`,
    );
    expect(s.attempts_by_day).toEqual(byDay);
    const reasons = await big.sql.query<{ day: string; reason: string; count: number }>(
      `SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, r AS reason, count(*)::int AS count
         FROM llm_attempt, jsonb_array_elements_text(reason_codes) AS r WHERE NOT valid GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(s.reasons_by_day).toEqual(reasons);
    expect(s.length_histogram.reduce((n, b) => n + b.example, 0)).toBe(997);
    expect(s.length_histogram.reduce((n, b) => n + b.translation, 0)).toBe(ref!.translations);
  });

  it('offers the filter values plain DISTINCT queries find, walking the indexes instead of the table', async () => {
    await big.sql.query(
      `INSERT INTO llm_attempt (dag_id, run_id, task_id, try_number, word, attempt, model, provider, prompt_version, strategy,
         request_messages, valid, outcome, max_chars, latency_ms, created_at)
       VALUES ('cv_extraction', 'run_cv', 'extract_cv', 1, 'cv', 1, 'a-model', 'p', 'p0', 'plain', '[]', false, 'invalid', 0, 5,
               timestamptz '2026-04-01 00:00+00'),
              ('cv_extraction', 'run_3', 'extract_cv', 1, 'cv', 1, 'z-model', 'p', 'p9', 'json_object', '[]', false, 'invalid', 0, 5,
               timestamptz '2026-09-01 00:00+00')`,
    );
    const o = await llmFilterOptions(big.sql, 5);
    const distinct = async (col: string) =>
      (await big.sql.query<{ v: string }>(`SELECT DISTINCT ${col} AS v FROM llm_attempt ORDER BY 1`)).map((r) => r.v);
    expect(o.models).toEqual(await distinct('model'));
    expect(o.promptVersions).toEqual(await distinct('prompt_version'));
    expect(o.strategies).toEqual(await distinct('strategy'));
    expect(o.tasks).toEqual(
      (await big.sql.query(`SELECT DISTINCT dag_id AS "dagId", task_id AS "taskId" FROM llm_attempt ORDER BY 1, 2`)),
    );
    const runs = await big.sql.query<{ dagId: string; runId: string; lastAt: Date }>(
      `SELECT dag_id AS "dagId", run_id AS "runId", max(created_at) AS "lastAt" FROM llm_attempt
        GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 5`,
    );
    expect(o.runs).toEqual(runs);
    expect(o.runs[0]).toMatchObject({ dagId: 'cv_extraction', runId: 'run_3' });
  });
});
