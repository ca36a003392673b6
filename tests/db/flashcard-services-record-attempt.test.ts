// llm.recordAttempt writes a valid attempt and its card in one statement: both or neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskJob } from '../../lib/engine/executor-port';
import { addPendingCards, getCard } from '../../lib/flashcards/cards';
import { getOrCreateDeck } from '../../lib/flashcards/decks';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import { flashcardServices } from '../../lib/flashcards/services';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';

let db: Database;
let services: ReturnType<typeof flashcardServices>;
const now = new Date('2026-03-02T12:00:00Z');

beforeAll(async () => {
  db = await createTestDb();
  services = flashcardServices({ sql: db.sql, now: () => now, connections: { get: async () => null }, llmEnv: {} });
});
afterAll(() => db?.close());

const job = (mapIndex: number): TaskJob => ({
  type: 'task', tiId: '00000000-0000-0000-0000-000000000001', dagId: 'french_flashcards', runId: 'manual__rec',
  taskId: 'generate_card', mapIndex, tryNumber: 2, maxTries: 3, fileloc: '/dags/x.ts', logicalDate: now.toISOString(),
  dataIntervalStart: now.toISOString(), dataIntervalEnd: now.toISOString(), conf: {}, item: null, upstream: {},
  executionTimeoutMs: null, firstPokeAt: null,
});

const card = { french_word: 'la fève', french_example: 'Une fève.', english_word: 'the bean', english_translation: 'A bean.' };

function attempt(valid: boolean): LlmAttempt {
  return {
    word: 'la fève', hint: null, attempt: 1, model: 'gpt-test', provider: '127.0.0.1', promptVersion: 'p1',
    strategy: 'json_schema', requestMessages: [{ role: 'user', content: 'la fève' }], rawResponse: JSON.stringify(card),
    parsed: card, valid, reasonCodes: valid ? [] : ['example_too_long'], problems: [], exampleLength: 9,
    translationLength: 7, maxChars: 20, latencyMs: 101.6, promptTokens: 10, completionTokens: 20, requests: 1,
    finishReason: 'stop', error: null, createdAt: now.toISOString(),
  };
}

async function pendingCard(word: string): Promise<{ deckId: number; cardId: number }> {
  const { deck } = await getOrCreateDeck(db.sql, { name: `Deck ${word}`, level: null, description: null }, now);
  const added = await addPendingCards(db.sql, deck.id, [{ word, hint: null }], now);
  return { deckId: deck.id, cardId: added.cards[0]!.id };
}

const attemptsOf = (mapIndex: number) =>
  db.sql.query<{ valid: boolean; latency_ms: number; try_number: number; parsed: unknown }>(
    `SELECT valid, latency_ms, try_number, parsed FROM llm_attempt WHERE run_id = 'manual__rec' AND map_index = $1`,
    [mapIndex],
  );

describe('llm.recordAttempt', () => {
  it('records a valid attempt and saves its card together', async () => {
    const { deckId, cardId } = await pendingCard('la fève');
    const answer = await services.llm.recordAttempt(job(1), { deckId, attempt: attempt(true), saveAs: { cardId, promptVersion: 'p1' } });
    expect(answer).toMatchObject({ saved: cardId, id: expect.any(Number) });
    expect(await attemptsOf(1)).toEqual([{ valid: true, latency_ms: 102, try_number: 2, parsed: card }]);
    const saved = await getCard(db.sql, cardId);
    expect(saved.status).toBe('valid');
    expect(saved.content).toMatchObject(card);
    expect(saved.source).toMatchObject({ runId: 'manual__rec', mapIndex: 1 });
  });

  it('records an invalid attempt alone and leaves the card pending', async () => {
    const { deckId, cardId } = await pendingCard('le pois');
    await services.llm.recordAttempt(job(2), { deckId, attempt: attempt(false), saveAs: null });
    expect(await attemptsOf(2)).toHaveLength(1);
    expect((await getCard(db.sql, cardId)).status).toBe('pending');
  });

  it('records nothing when the card to save no longer exists', async () => {
    await expect(
      services.llm.recordAttempt(job(3), { deckId: null, attempt: attempt(true), saveAs: { cardId: 999_999, promptVersion: 'p1' } }),
    ).rejects.toThrow(/not found/);
    expect(await attemptsOf(3)).toEqual([]);
  });
});
