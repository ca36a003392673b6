// What one attempt cost, as llm_attempt stores it: the real `openai` client against the fake server told how long to
// take, transport retries waiting on a clock that records the waits instead of sleeping. latency_ms is the whole
// attempt (every request plus the waits), request_count and retry_wait_ms say how it was spent, and an attempt the
// provider never answered is stored as a provider error, not as the model failing to comply.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/kernel/clock';
import { llmAttemptSchema } from '../../lib/llm/attempt-recorder';
import { generateCard } from '../../lib/llm/generate-card';
import { createOpenAiChatClient } from '../../lib/llm/openai-chat-client';
import { createCapabilityCache } from '../../lib/llm/structured-output';
import type { Database } from '../../lib/store/database';
import { insertLlmAttempt } from '../../lib/store/llm-attempts';
import { reply, startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';
import { createTestDb } from '../support/test-db';

const CHAT = { french_word: 'chat', french_example: 'Le chat dort.', english_word: 'cat', english_translation: 'The cat sleeps.' };

let server: FakeOpenAiServer;
let db: Database;
beforeAll(async () => {
  [server, db] = await Promise.all([startFakeOpenAiServer(), createTestDb()]);
});
afterAll(async () => {
  await Promise.all([server?.close(), db?.close()]);
});
beforeEach(() => server.reset());

interface StoredCost {
  outcome: string;
  valid: boolean;
  latency_ms: number;
  request_count: number;
  retry_wait_ms: number;
  reason_codes: string[];
}

/** Generates a card for `word` and returns what llm_attempt stored of its attempts, and the waits asked of the clock. */
async function generateAndRead(word: string, mapIndex: number): Promise<{ rows: StoredCost[]; sleeps: number[] }> {
  const sleeps: number[] = [];
  const clock: Clock = { now: () => new Date('2026-01-05T10:00:00Z'), sleep: async (ms) => void sleeps.push(ms) };
  const client = createOpenAiChatClient(
    {
      baseUrl: server.baseUrl, apiKey: 'sk-test', model: 'fake-model', timeoutMs: 5_000, temperature: null, maxTokens: null,
      transportRetry: { maximumAttempts: 3, initialIntervalMs: 500, backoffCoefficient: 2, maximumIntervalMs: 10_000, jitter: 0 },
      maxRetryAfterMs: 30_000, source: 'env',
    },
    { clock, capabilities: createCapabilityCache() },
  );
  const origin = { dagId: 'french_flashcards', runId: 'manual__latency', taskId: 'generate_card', mapIndex, tryNumber: 1, deckId: null };
  await generateCard(word, null, {
    client,
    clock,
    // As the server records it: parsed (and re-checked) at the service boundary, then inserted.
    recorder: { record: async (a) => void (await insertLlmAttempt(db.sql, origin, llmAttemptSchema.parse(a))) },
  });
  const rows = await db.sql.query<StoredCost>(
    `SELECT outcome, valid, latency_ms, request_count, retry_wait_ms, reason_codes FROM llm_attempt
      WHERE run_id = 'manual__latency' AND map_index = $1 ORDER BY id`,
    [mapIndex],
  );
  return { rows, sleeps };
}

describe('the cost of an attempt in llm_attempt', () => {
  it('counts a 429, its Retry-After and both requests in latency_ms, request_count and retry_wait_ms', async () => {
    server.script(
      reply.after(150, reply.rateLimited(2)),
      reply.after(200, reply.json(CHAT)),
    );
    const { rows, sleeps } = await generateAndRead('chat', 0);
    expect(sleeps).toEqual([2000]);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ outcome: 'valid', valid: true, request_count: 2, retry_wait_ms: 2000 });
    // Both requests as the server was told to take them, plus the wait the server asked for (the clock did not
    // really wait: the wait counts as asked, the requests as measured).
    expect(row!.latency_ms).toBeGreaterThanOrEqual(150 + 200 + 2000);
    expect(row!.latency_ms - row!.retry_wait_ms).toBeGreaterThanOrEqual(150 + 200);
  });

  it('stores an outage as one provider error with every request and wait, never as an invalid answer', async () => {
    const unavailable = reply.after(100, reply.error(503, 'The server is overloaded', { type: 'server_error' }));
    server.script(unavailable, unavailable, unavailable);
    const { rows, sleeps } = await generateAndRead('pomme', 1);
    expect(server.calls).toBe(3);
    expect(sleeps).toEqual([500, 1000]);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ outcome: 'provider_error', valid: false, request_count: 3, retry_wait_ms: 1500, reason_codes: ['http_error'] });
    expect(row!.latency_ms).toBeGreaterThanOrEqual(3 * 100 + 1500);
  });

  it('records a slow answer without retries as one request and no wait', async () => {
    server.setLatency(120);
    server.script(reply.json({ ...CHAT, french_word: 'le chat', french_example: 'Le chat dort.' }));
    const { rows } = await generateAndRead('le chat', 2);
    expect(rows).toEqual([expect.objectContaining({ outcome: 'valid', request_count: 1, retry_wait_ms: 0 })]);
    expect(rows[0]!.latency_ms).toBeGreaterThanOrEqual(120);
  });
});
