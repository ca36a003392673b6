// The llm_attempt table is written by lib/llm's AttemptRecorder; these tests pin the shape it relies on and show that
// the dashboard's aggregations are plain SQL over it (reason codes as a jsonb array).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';

let db: Database;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db?.close());

const day = (d: number, h = 12): Date => new Date(Date.UTC(2026, 2, d, h));

function attempt(overrides: Partial<Record<string, unknown>>) {
  return {
    outcome: overrides.valid === false ? 'invalid' : 'valid',
    dagId: 'french_flashcards',
    runId: 'manual__1',
    taskId: 'generate_card',
    mapIndex: 0,
    tryNumber: 1,
    deckId: 1,
    word: 'la fève',
    attempt: 1,
    model: 'gpt-test',
    provider: 'openai',
    promptVersion: 'p1',
    strategy: 'json_schema',
    requestMessages: [{ role: 'user', content: 'Make a card for « la fève »' }],
    rawResponse: '{}',
    parsed: { french_word: 'la fève' },
    valid: true,
    reasonCodes: [],
    exampleLength: 12,
    translationLength: 10,
    maxChars: 20,
    latencyMs: 800,
    promptTokens: 120,
    completionTokens: 40,
    ...overrides,
  };
}

describe('llm_attempt', () => {
  it('takes attempts through the Prisma client, with defaults for map_index, reason_codes and created_at', async () => {
    const row = await db.prisma.llmAttempt.create({
      data: {
        dagId: 'french_flashcards', runId: 'manual__0', taskId: 'generate_card', tryNumber: 1, word: 'kiffer', attempt: 1,
        model: 'm', provider: 'ollama', promptVersion: 'p0', strategy: 'plain', requestMessages: [], valid: false,
        outcome: 'provider_error', maxChars: 20, latencyMs: 5, error: 'connect ECONNREFUSED',
      },
    });
    expect(row).toMatchObject({ mapIndex: -1, reasonCodes: [], rawResponse: null, parsed: null, deckId: null, requestCount: null, retryWaitMs: null });
    expect(row.createdAt).toBeInstanceOf(Date);
  });

  it('aggregates failure reasons per day and first-attempt compliance in SQL', async () => {
    await db.prisma.llmAttempt.createMany({
      data: [
        attempt({ createdAt: day(2), valid: false, reasonCodes: ['example_too_long'], exampleLength: 27 }),
        attempt({ createdAt: day(2, 13), attempt: 2, valid: true }),
        attempt({ createdAt: day(2), word: 'le nain', valid: false, reasonCodes: ['example_too_long', 'word_missing_from_example'] }),
        attempt({ createdAt: day(3), word: 'la photo', valid: false, reasonCodes: ['invalid_json'], rawResponse: 'Sure! Here' }),
        attempt({ createdAt: day(3), word: 'le cafard', valid: true }),
      ],
    });
    const reasons = await db.sql.query(
      `SELECT date_trunc('day', created_at AT TIME ZONE 'UTC')::date::text AS day, code, count(*)::int AS n
         FROM llm_attempt, jsonb_array_elements_text(reason_codes) AS code
        WHERE run_id = 'manual__1'
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(reasons).toEqual([
      { day: '2026-03-02', code: 'example_too_long', n: 2 },
      { day: '2026-03-02', code: 'word_missing_from_example', n: 1 },
      { day: '2026-03-03', code: 'invalid_json', n: 1 },
    ]);
    const [compliance] = await db.sql.query(
      `SELECT round(avg(valid::int) FILTER (WHERE attempt = 1), 2)::float8 AS first_attempt,
              round(avg(valid::int), 2)::float8 AS all_attempts
         FROM llm_attempt WHERE run_id = 'manual__1'`,
    );
    expect(compliance).toEqual({ first_attempt: 0.25, all_attempts: 0.4 });
    const [hasCode] = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM llm_attempt WHERE reason_codes ? 'example_too_long'`,
    );
    expect(hasCode!.n).toBe(2);
  });

  it('refuses a valid card attempt whose lengths reach max_chars, and an outcome that contradicts valid or error', async () => {
    const create = (overrides: Partial<Record<string, unknown>>) =>
      db.prisma.llmAttempt.create({ data: attempt({ runId: 'manual__checks', ...overrides }) as Parameters<typeof db.prisma.llmAttempt.create>[0]['data'] });
    await expect(create({ exampleLength: 20 })).rejects.toThrow(/llm_attempt_valid_length_check/);
    await expect(create({ translationLength: 25 })).rejects.toThrow(/llm_attempt_valid_length_check/);
    await expect(create({ exampleLength: null })).rejects.toThrow(/llm_attempt_valid_length_check/);
    await expect(create({ outcome: 'invalid' })).rejects.toThrow(/llm_attempt_outcome_check/);
    await expect(create({ valid: false, outcome: 'invalid', error: 'HTTP 429' })).rejects.toThrow(/llm_attempt_outcome_check/);
    await expect(create({ valid: false, outcome: 'provider_error' })).rejects.toThrow(/llm_attempt_outcome_check/);
    // Lengths 19 of fewer than 20 pass; an invalid answer may be as long as it was; max_chars 0 is no length rule.
    await create({ exampleLength: 19, translationLength: 19 });
    await create({ valid: false, outcome: 'invalid', exampleLength: 40 });
    await create({ maxChars: 0, exampleLength: null, translationLength: null });
    const [n] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM llm_attempt WHERE run_id = 'manual__checks'`);
    expect(n!.n).toBe(3);
  });
});
