// The server checks every card it stores, whatever the runner said: a "valid" attempt sent through the task-execution
// endpoint (POST /execution/services, what remote workers call) over real HTTP is re-validated against its run's
// limit (here the default, as is the deck's) in graphemes and the card's word, and the database's CHECK refuses
// content that breaks the stored limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveGeneratedCard } from '../../lib/flashcards/card-content-updates';
import { CardRulesError } from '../../lib/flashcards/card-rules';
import { addPendingCards, getCard } from '../../lib/flashcards/cards';
import { getOrCreateDeck, setDeckMaxChars } from '../../lib/flashcards/decks';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import { graphemeLength } from '../../lib/llm/grapheme-length';
import type { Database } from '../../lib/store/database';
import { startTaskExecutionServer, type TaskExecutionServer } from '../support/task-execution-server';
import { createTestDb } from '../support/test-db';

const now = new Date('2026-03-02T12:00:00Z');
let db: Database;
let server: TaskExecutionServer;
let deckId: number;

beforeAll(async () => {
  db = await createTestDb();
  server = await startTaskExecutionServer(db, { now, claims: { runId: 'manual__remote' } });
  ({ deck: { id: deckId } } = await getOrCreateDeck(db.sql, { name: 'Remote deck', level: null, description: null }, now));
  await setDeckMaxChars(db.sql, deckId, 20);
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

async function pendingCard(word: string): Promise<number> {
  return (await addPendingCards(db.sql, deckId, [{ word, hint: null }], now)).cards[0]!.id;
}

/** A valid attempt, consistent with the limit the runner claims (the runner may use another limit than the deck's). */
function validAttempt(word: string, card: Record<string, string>, maxChars: number): LlmAttempt {
  return {
    word, hint: null, attempt: 1, model: 'gpt-test', provider: '127.0.0.1', promptVersion: 'p1', strategy: 'json_schema',
    requestMessages: [{ role: 'user', content: word }], rawResponse: JSON.stringify(card), parsed: card, valid: true,
    reasonCodes: [], problems: [], exampleLength: graphemeLength(card.french_example!),
    translationLength: graphemeLength(card.english_translation!), maxChars, latencyMs: 12, promptTokens: 10,
    completionTokens: 20, requests: 1, finishReason: 'stop', error: null, createdAt: now.toISOString(),
  };
}

function recordAttempt(cardId: number, attempt: LlmAttempt): Promise<{ status: number; body: Record<string, unknown> }> {
  return server.call('llm.recordAttempt', { deckId, attempt, saveAs: { cardId, promptVersion: 'p1' } });
}

const attemptsFor = async (word: string) =>
  (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM llm_attempt WHERE word = $1`, [word]))[0]!.n;

describe('cards the runner reports valid, through the task-execution endpoint', () => {
  it('refuses an example longer than the run allows, permanently: stores not the card but its attempt, as invalid', async () => {
    const cardId = await pendingCard('la fève');
    const card = { french_word: 'la fève', french_example: 'Une fève du jardin de ma grand-mère.', english_word: 'the bean', english_translation: 'A bean.' };
    const answer = await recordAttempt(cardId, validAttempt('la fève', card, 60));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ permanent: true });
    expect(answer.body.detail).toMatch(/runner reported valid for 'la fève'.*french_example .* has 36 characters; it must have fewer than 20/);
    expect(await getCard(db.sql, cardId)).toMatchObject({ status: 'pending', content: null, version: 0 });
    // The answer was paid for: its attempt counts against the word's budget, with the rule the server found broken.
    const [attempt] = await db.sql.query(`SELECT valid, outcome, reason_codes, max_chars FROM llm_attempt WHERE word = 'la fève'`);
    expect(attempt).toEqual({ valid: false, outcome: 'invalid', reason_codes: ['example_too_long'], max_chars: 20 });
  });

  it("refuses an example without the card's word, whatever word the attempt names", async () => {
    const cardId = await pendingCard('le pois');
    const card = { french_word: 'le chou', french_example: 'Un chou vert.', english_word: 'cabbage', english_translation: 'A cabbage.' };
    const answer = await recordAttempt(cardId, validAttempt('le chou', card, 20));
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/does not use the word 'le pois'/);
    expect((await getCard(db.sql, cardId)).status).toBe('pending');
  });

  it('counts graphemes, not code points: an emoji family and a decomposed accent fit, and are stored measured', async () => {
    const cardId = await pendingCard('le café');
    // 15 graphemes; 21 code points once composed (the family alone is 7) and 25 UTF-16 units: a count of either
    // would refuse it.
    const example = 'Le cafe\u0301 👨‍👩‍👧‍👦 ici !';
    expect([graphemeLength(example), [...example.normalize('NFC')].length, example.normalize('NFC').length]).toEqual([15, 21, 25]);
    const card = { french_word: 'le café', french_example: example, english_word: 'coffee', english_translation: 'The coffee 🇫🇷 here.' };
    const answer = await recordAttempt(cardId, validAttempt('le café', card, 20));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const [row] = await db.sql.query<{ french_example: string; max_chars: number; example_chars: number; translation_chars: number }>(
      `SELECT french_example, max_chars, example_chars, translation_chars FROM card WHERE id = $1`,
      [cardId],
    );
    expect(row).toEqual({ french_example: example.normalize('NFC'), max_chars: 20, example_chars: 15, translation_chars: 18 });
    expect(await attemptsFor('le café')).toBe(1);
  });
});

describe('the CHECK on stored lengths', () => {
  it('refuses content saved past the server check that breaks the deck limit, with the rule it broke', async () => {
    const cardId = await pendingCard('le chat');
    const content = { french_word: 'le chat', french_example: 'Le chat dort sur le canapé du salon.', english_word: 'cat', english_translation: 'The cat.' };
    const saving = saveGeneratedCard(db.sql, cardId, content, { promptVersion: 'p1', model: 'm' }, now);
    await expect(saving).rejects.toBeInstanceOf(CardRulesError);
    await expect(saving).rejects.toThrow(/french_example .* has 36 characters; it must have fewer than 20/);
    expect((await getCard(db.sql, cardId)).status).toBe('pending');
  });

  it('refuses a row whose stored lengths or limit break the rule, or claim more graphemes than the text has', async () => {
    const cardId = await pendingCard('le chien');
    const content = { french_word: 'le chien', french_example: 'Le chien dort.', english_word: 'dog', english_translation: 'The dog sleeps.' };
    await saveGeneratedCard(db.sql, cardId, content, { promptVersion: 'p1', model: 'm' }, now);
    for (const change of ['max_chars = 10', 'example_chars = 25', 'example_chars = NULL', 'translation_chars = 0']) {
      await expect(db.sql.query(`UPDATE card SET ${change} WHERE id = $1`, [cardId]), change).rejects.toMatchObject({ code: '23514' });
    }
  });
});
