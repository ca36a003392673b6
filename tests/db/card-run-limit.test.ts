// A generated card is checked against, and stored with, the limit ITS run generated under, computed on the server
// from the run's conf: a later french_flashcards run on the same deck moves the deck's limit, but must not make the
// server refuse a card an earlier run made validly. A card the server does refuse still has its attempt recorded,
// as invalid with the broken rule's code, so the paid answer counts against the word's re-ask budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskJob } from '../../lib/engine/executor-port';
import { CardRulesError } from '../../lib/flashcards/card-rules';
import { getCard } from '../../lib/flashcards/cards';
import { getDeck, getOrCreateDeck, setDeckMaxChars } from '../../lib/flashcards/decks';
import { flashcardServices } from '../../lib/flashcards/services';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import { graphemeLength } from '../../lib/llm/grapheme-length';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';

const now = new Date('2026-03-02T12:00:00Z');
let db: Database;
let services: ReturnType<typeof flashcardServices>;

beforeAll(async () => {
  db = await createTestDb();
  services = flashcardServices({ sql: db.sql, now: () => now, connections: { get: async () => null }, llmEnv: {} });
});
afterAll(() => db?.close());

async function createRun(dagId: string, runId: string, conf: Record<string, unknown>): Promise<void> {
  await db.sql.query(`INSERT INTO dag (dag_id, fileloc, serialized, version_hash) VALUES ($1, 'f.ts', '{}', 'v1') ON CONFLICT DO NOTHING`, [dagId]);
  await db.sql.query(
    `INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end, conf)
     VALUES ($1, $2, 'manual', 'running', $3, $3, $3, $4::jsonb)`,
    [dagId, runId, now, JSON.stringify(conf)],
  );
}

const job = (dagId: string, runId: string, tryNumber = 1): TaskJob => ({
  type: 'task', tiId: '00000000-0000-0000-0000-0000000000a1', dagId, runId, taskId: 'generate_card', mapIndex: 0,
  tryNumber, maxTries: 3, fileloc: '/dags/x.ts', logicalDate: now.toISOString(), dataIntervalStart: now.toISOString(),
  dataIntervalEnd: now.toISOString(), conf: {}, item: null, upstream: {}, executionTimeoutMs: null, firstPokeAt: null,
});

/** A valid attempt as a runner generating under `maxChars` reports it. */
function validAttempt(card: Record<string, string>, maxChars: number): LlmAttempt {
  return {
    word: card.french_word!, hint: null, attempt: 1, model: 'gpt-test', provider: '127.0.0.1', promptVersion: 'p1',
    strategy: 'json_schema', requestMessages: [{ role: 'user', content: card.french_word! }], rawResponse: JSON.stringify(card),
    parsed: card, valid: true, reasonCodes: [], problems: [], exampleLength: graphemeLength(card.french_example!),
    translationLength: graphemeLength(card.english_translation!), maxChars, latencyMs: 12, promptTokens: 10,
    completionTokens: 20, requests: 1, finishReason: 'stop', error: null, createdAt: now.toISOString(),
  };
}

// 35 graphemes: fits a limit of 40, not one of 20 (nor 25).
const LONG = { french_word: 'la fève', french_example: 'Une fève du jardin de ma grand-mère', english_word: 'the bean', english_translation: 'A bean.' };

const storedLimit = async (cardId: number) =>
  (await db.sql.query<{ max_chars: number; example_chars: number }>(`SELECT max_chars, example_chars FROM card WHERE id = $1`, [cardId]))[0];
const attemptsOf = (runId: string) =>
  db.sql.query<{ valid: boolean; outcome: string; reason_codes: string[]; max_chars: number }>(
    `SELECT valid, outcome, reason_codes, max_chars FROM llm_attempt WHERE run_id = $1 ORDER BY id`,
    [runId],
  );

describe('french_flashcards: two runs on one deck with different max_example_chars', () => {
  it("accepts the earlier run's card under its own limit after a later run lowered the deck's, and stores that limit", async () => {
    expect(graphemeLength(LONG.french_example)).toBe(35);
    await createRun('french_flashcards', 'manual__wide', { max_example_chars: 40 });
    await createRun('french_flashcards', 'manual__narrow', { max_example_chars: 20 });
    const wide = await services.flashcards.prepareDeck(job('french_flashcards', 'manual__wide'), { deckName: 'Two runs', vocabulary: 'la fève' });
    expect((await getDeck(db.sql, wide.deckId)).maxChars).toBe(40);
    // The later run lists the same (still pending) word and sets the deck's limit to its own.
    const narrow = await services.flashcards.prepareDeck(job('french_flashcards', 'manual__narrow'), { deckName: 'Two runs', vocabulary: 'la fève' });
    expect((await getDeck(db.sql, narrow.deckId)).maxChars).toBe(20);
    const cardId = wide.words[0]!.cardId;

    const answer = await services.llm.recordAttempt(job('french_flashcards', 'manual__wide'), {
      deckId: wide.deckId,
      attempt: validAttempt(LONG, 40),
      saveAs: { cardId, promptVersion: 'p1' },
    });
    expect(answer).toMatchObject({ saved: cardId });
    expect(await getCard(db.sql, cardId)).toMatchObject({ status: 'valid', version: 1 });
    expect(await storedLimit(cardId)).toEqual({ max_chars: 40, example_chars: 35 });
    expect(await attemptsOf('manual__wide')).toEqual([{ valid: true, outcome: 'valid', reason_codes: [], max_chars: 40 }]);
    // The deck keeps the latest run's limit: the weekly regeneration and the deck page use it.
    expect((await getDeck(db.sql, wide.deckId)).maxChars).toBe(20);
  });

  it("refuses a card past its own run's limit whatever limit the runner claims, and records the paid attempt as invalid", async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Narrow run', level: null, description: null }, now);
    await createRun('french_flashcards', 'manual__strict', { max_example_chars: 20 });
    const { words } = await services.flashcards.prepareDeck(job('french_flashcards', 'manual__strict'), { deckId: deck.id, deckName: 'Narrow run', vocabulary: 'la fève' });
    await setDeckMaxChars(db.sql, deck.id, 40); // a deck limit the run's own must win over
    const cardId = words[0]!.cardId;

    const recording = services.llm.recordAttempt(job('french_flashcards', 'manual__strict'), {
      deckId: deck.id,
      attempt: validAttempt(LONG, 40),
      saveAs: { cardId, promptVersion: 'p1' },
    });
    await expect(recording).rejects.toBeInstanceOf(CardRulesError);
    await expect(recording).rejects.toThrow(/has 35 characters; it must have fewer than 20/);
    expect(await getCard(db.sql, cardId)).toMatchObject({ status: 'pending', version: 0 });
    expect(await attemptsOf('manual__strict')).toEqual([{ valid: false, outcome: 'invalid', reason_codes: ['example_too_long'], max_chars: 20 }]);
    // The next try's budget counts the refused answer.
    const spent = await services.llm.spentBudget(job('french_flashcards', 'manual__strict', 2), { word: 'la fève' });
    expect(spent).toEqual({ answered: 1, lastReasons: ['example_too_long'] });
  });
});

describe('flashcard_regeneration: the deck limit, tightened by the run conf', () => {
  async function pendingCardOn(deckName: string, deckMaxChars: number): Promise<{ deckId: number; cardId: number }> {
    const { deck } = await getOrCreateDeck(db.sql, { name: deckName, level: null, description: null }, now);
    await setDeckMaxChars(db.sql, deck.id, deckMaxChars);
    const { words } = await services.flashcards.prepareDeck(job('french_flashcards', 'manual__none'), { deckId: deck.id, deckName, vocabulary: 'la fève' });
    await setDeckMaxChars(db.sql, deck.id, deckMaxChars); // prepareDeck set the run's (default) limit
    return { deckId: deck.id, cardId: words[0]!.cardId };
  }

  it("stores a regenerated card under the deck's limit when the run gives none, and refuses it under a tighter conf", async () => {
    await createRun('french_flashcards', 'manual__none', {});
    await createRun('flashcard_regeneration', 'scheduled__loose', {});
    await createRun('flashcard_regeneration', 'scheduled__tight', { max_example_chars: 25 });
    const loose = await pendingCardOn('Regenerated', 40);
    const regenerated = await services.llm.recordAttempt(job('flashcard_regeneration', 'scheduled__loose'), {
      deckId: loose.deckId,
      attempt: validAttempt(LONG, 40),
      saveAs: { cardId: loose.cardId, promptVersion: 'p1' },
    });
    expect(regenerated).toMatchObject({ saved: loose.cardId });
    expect(await storedLimit(loose.cardId)).toEqual({ max_chars: 40, example_chars: 35 });

    const tight = await pendingCardOn('Tightened', 40);
    await expect(
      services.llm.recordAttempt(job('flashcard_regeneration', 'scheduled__tight'), {
        deckId: tight.deckId,
        attempt: validAttempt(LONG, 40),
        saveAs: { cardId: tight.cardId, promptVersion: 'p1' },
      }),
    ).rejects.toThrow(/fewer than 25/);
    expect(await attemptsOf('scheduled__tight')).toEqual([{ valid: false, outcome: 'invalid', reason_codes: ['example_too_long'], max_chars: 25 }]);
  });
});
