// Provider errors are not the model failing to comply: on a real PGlite seeded with an outage among answers, the
// dashboard's numbers (llmStats) and the REST API's (GET /api/v1/llm/stats and /llm/attempts, through their handlers
// and checked against their contracts) count them as their own figure and keep them out of compliance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmAttemptCollection, LlmStats } from '../../lib/api/contracts/llm';
import { getStats, listAttemptsPage } from '../../lib/api/handlers/llm';
import type { ApiRuntime } from '../../lib/api/handlers/shared';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import type { Database } from '../../lib/store/database';
import { insertLlmAttempt } from '../../lib/store/llm-attempts';
import { llmStats } from '../../lib/store/llm-stats-aggregate';
import { createTestDb } from '../support/test-db';

let db: Database;
const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute)).toISOString();

interface Seed {
  word: string;
  map: number;
  tryNumber: number;
  attempt: number;
  outcome: 'valid' | 'invalid' | 'provider_error';
  reason?: string;
  minute: number;
}

function seed(s: Seed): Promise<number> {
  const answered = s.outcome !== 'provider_error';
  const attempt: LlmAttempt = {
    word: s.word, hint: null, attempt: s.attempt, model: 'fake-model', provider: '127.0.0.1', promptVersion: 'p1', strategy: 'json_schema',
    requestMessages: [{ role: 'user', content: s.word }],
    rawResponse: answered ? '{}' : null, parsed: answered ? {} : null,
    valid: s.outcome === 'valid', reasonCodes: s.reason ? [s.reason as LlmAttempt['reasonCodes'][number]] : [], problems: [],
    exampleLength: answered ? 12 : null, translationLength: answered ? 14 : null, maxChars: 20,
    latencyMs: answered ? 400 : 5000, promptTokens: answered ? 100 : null, completionTokens: answered ? 20 : null,
    requests: answered ? 1 : 3, retryWaitMs: answered ? 0 : 1500, finishReason: answered ? 'stop' : null,
    error: answered ? null : `no answer (${s.reason})`, createdAt: at(s.minute),
  };
  const origin = { dagId: 'french_flashcards', runId: 'run_outage', taskId: 'generate_card', mapIndex: s.map, tryNumber: s.tryNumber, deckId: 1 };
  return insertLlmAttempt(db.sql, origin, attempt);
}

beforeAll(async () => {
  db = await createTestDb();
  // chat: a timeout in try 1, then right at the first answer in try 2.
  await seed({ word: 'chat', map: 0, tryNumber: 1, attempt: 1, outcome: 'provider_error', reason: 'timeout', minute: 0 });
  await seed({ word: 'chat', map: 0, tryNumber: 2, attempt: 1, outcome: 'valid', minute: 1 });
  // pomme: one answer too long, then a valid one.
  await seed({ word: 'pomme', map: 1, tryNumber: 1, attempt: 1, outcome: 'invalid', reason: 'example_too_long', minute: 2 });
  await seed({ word: 'pomme', map: 1, tryNumber: 1, attempt: 2, outcome: 'valid', minute: 3 });
  // fromage: rate limited in both tries, never answered.
  await seed({ word: 'fromage', map: 2, tryNumber: 1, attempt: 1, outcome: 'provider_error', reason: 'rate_limited', minute: 4 });
  await seed({ word: 'fromage', map: 2, tryNumber: 2, attempt: 1, outcome: 'provider_error', reason: 'rate_limited', minute: 5 });
});
afterAll(() => db?.close());

describe('provider errors in the LLM figures', () => {
  it('keeps them out of compliance and counts them apart', async () => {
    const s = await llmStats(db.sql, { runId: 'run_outage' });
    // Two words were answered; chat's first answer was valid (its timeout was no answer), pomme's was not.
    expect(s.words).toMatchObject({
      attempted: 2, first_attempt_valid: 1, final_valid: 2, first_attempt_compliance: 0.5, final_compliance: 1, without_answer: 1,
    });
    expect(s.attempts).toMatchObject({ total: 6, valid: 2, provider_errors: 3, provider_error_rate: 0.5, answered: 3 });
    expect(s.attempts_per_word).toEqual([{ attempts: 1, words: 1 }, { attempts: 2, words: 1 }]);
    expect(s.attempts_by_day).toEqual([{ day: '2026-06-01', attempts: 6, invalid: 1, provider_errors: 3 }]);
    expect(s.reasons_total).toEqual([
      { reason: 'rate_limited', count: 2 },
      { reason: 'example_too_long', count: 1 },
      { reason: 'timeout', count: 1 },
    ]);
  });

  it('serves the new figures and each attempt\'s outcome and cost through the API handlers, as the contracts say', async () => {
    const rt = { db } as unknown as ApiRuntime;
    const stats = LlmStats.parse(await getStats(rt, { dag_run_id: 'run_outage' }));
    expect(stats.attempts).toMatchObject({ provider_errors: 3, provider_error_rate: 0.5, answered: 3 });
    const outages = LlmAttemptCollection.parse(
      await listAttemptsPage(rt, { dag_run_id: 'run_outage', outcome: 'provider_error', limit: 25, offset: 0 }),
    );
    expect(outages.total_entries).toBe(3);
    expect(outages.llm_attempts.map((a) => [a.word, a.outcome, a.valid, a.request_count, a.retry_wait_ms, a.latency_ms])).toEqual([
      ['fromage', 'provider_error', false, 3, 1500, 5000],
      ['fromage', 'provider_error', false, 3, 1500, 5000],
      ['chat', 'provider_error', false, 3, 1500, 5000],
    ]);
    const refused = await listAttemptsPage(rt, { dag_run_id: 'run_outage', outcome: 'invalid', limit: 25, offset: 0 });
    expect(refused.llm_attempts.map((a) => [a.word, a.reason_codes])).toEqual([['pomme', ['example_too_long']]]);
  });
});
