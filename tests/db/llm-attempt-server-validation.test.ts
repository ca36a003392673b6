// The server re-checks every LLM attempt a runner records (llm.recordAttempt), whatever the runner said: sent over real
// HTTP through the task-execution endpoint as a remote worker sends it, an over-long or malformed "valid" attempt, one
// whose lengths lie, or an invalid answer passed off as a provider error is refused, permanently, and not stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import { graphemeLength } from '../../lib/llm/grapheme-length';
import type { Database } from '../../lib/store/database';
import { startTaskExecutionServer, type TaskExecutionServer } from '../support/task-execution-server';
import { createTestDb } from '../support/test-db';

let db: Database;
let server: TaskExecutionServer;
beforeAll(async () => {
  db = await createTestDb();
  server = await startTaskExecutionServer(db, { claims: { runId: 'manual__attempts' } });
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

const FEVE = { french_word: 'la fève', french_example: 'La fève est verte.', english_word: 'the bean', english_translation: 'The bean is green.' };

/** An attempt as the runner reports it, valid and consistent unless overridden. */
function attempt(word: string, overrides: Partial<LlmAttempt> = {}, card: Record<string, string> = FEVE): LlmAttempt {
  return {
    word, hint: null, attempt: 1, model: 'gpt-test', provider: '127.0.0.1', promptVersion: 'p1', strategy: 'json_schema',
    requestMessages: [{ role: 'user', content: word }], rawResponse: JSON.stringify(card), parsed: card, valid: true,
    reasonCodes: [], problems: [], exampleLength: graphemeLength(card.french_example!),
    translationLength: graphemeLength(card.english_translation!), maxChars: 20, latencyMs: 812, promptTokens: 10,
    completionTokens: 20, requests: 2, retryWaitMs: 500, finishReason: 'stop', error: null, createdAt: '2026-03-02T12:00:00.000Z',
    ...overrides,
  };
}

const record = (a: LlmAttempt) => server.call('llm.recordAttempt', { deckId: null, attempt: a, saveAs: null });
const stored = async (word: string) =>
  db.sql.query<{ outcome: string; valid: boolean; request_count: number; retry_wait_ms: number; latency_ms: number }>(
    `SELECT outcome, valid, request_count, retry_wait_ms, latency_ms FROM llm_attempt WHERE word = $1`,
    [word],
  );

describe('llm.recordAttempt through the task-execution endpoint', () => {
  it('refuses an over-long "valid" attempt with the rule it breaks, and stores nothing', async () => {
    const long = { ...FEVE, french_example: 'Une fève du jardin de ma grand-mère.' };
    const answer = await record(attempt('la fève', {}, long));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ permanent: true });
    expect(answer.body.detail).toMatch(
      /attempt 1 for 'la fève': it is marked valid but breaks the card rules \(example_too_long\): french_example '.*' has 36 characters; it must have fewer than 20/,
    );
    expect(await stored('la fève')).toEqual([]);
  });

  it('refuses a "valid" attempt whose stored lengths are not what its text measures', async () => {
    const answer = await record(attempt('la fève', { exampleLength: 12 }));
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/example_length says 12 but the answer's text has 18 characters \(graphemes after NFC\)/);
    expect(await stored('la fève')).toEqual([]);
  });

  it('refuses a malformed "valid" attempt: no card, a missing word, reason codes', async () => {
    const noCard = await record(attempt('le pois', { parsed: null }));
    expect(noCard.status).toBe(400);
    expect(noCard.body.detail).toMatch(/marked valid but breaks the card rules \(schema_mismatch\)/);
    const otherWord = await record(attempt('le pois'));
    expect(otherWord.body.detail).toMatch(/\(word_missing_from_example\): french_example 'La fève est verte.' does not use the word 'le pois'/);
    const withReasons = await record(attempt('le pois', { reasonCodes: ['example_too_long'] }));
    expect(withReasons.body.detail).toMatch(/a valid attempt has no reason codes, got \[example_too_long\]/);
    expect(await stored('le pois')).toEqual([]);
  });

  it('refuses an answer passed off as a provider error, which would leave compliance untouched', async () => {
    const answer = await record(attempt('le chou', { valid: false, reasonCodes: ['example_too_long'], error: 'timeout' }));
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/an attempt with an error \(no answer\) cannot carry an answer/);
    expect(answer.body.detail).toMatch(/needs transport reason codes .* got \[example_too_long\]/);
    expect(await stored('le chou')).toEqual([]);
  });

  it('stores a consistent valid attempt and a real provider error, each with its outcome and cost', async () => {
    expect((await record(attempt('la fève'))).status).toBe(200);
    const outage = attempt('le chou', {
      valid: false, rawResponse: null, parsed: null, reasonCodes: ['rate_limited'], exampleLength: null, translationLength: null,
      error: 'The LLM provider is rate limiting (HTTP 429)', requests: 3, retryWaitMs: 3000, latencyMs: 3210,
    });
    expect((await record(outage)).status).toBe(200);
    expect(await stored('la fève')).toEqual([{ outcome: 'valid', valid: true, request_count: 2, retry_wait_ms: 500, latency_ms: 812 }]);
    expect(await stored('le chou')).toEqual([{ outcome: 'provider_error', valid: false, request_count: 3, retry_wait_ms: 3000, latency_ms: 3210 }]);
  });
});
