// A regeneration that finishes after a person edited the card keeps the person's text: the regenerated content is
// archived as a 'kept_edit' version, and version numbers stay unique across later changes. Edits based on an old
// version are refused instead of overwriting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TryIdentity } from '../../lib/engine/executor-port';
import { editCard, listCardVersions, saveGeneratedCard } from '../../lib/flashcards/card-content-updates';
import { addPendingCards, flagCard, getCard } from '../../lib/flashcards/cards';
import { getOrCreateDeck } from '../../lib/flashcards/decks';
import { flashcardServices } from '../../lib/flashcards/services';
import { ConflictError } from '../../lib/kernel/errors';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import { graphemeLength } from '../../lib/llm/grapheme-length';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';

const t0 = new Date('2026-03-02T12:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
let db: Database;
let now = t0;
let services: ReturnType<typeof flashcardServices>;
let deckId: number;

const job: TryIdentity = { tiId: '00000000-0000-0000-0000-000000000002', tryNumber: 1, dagId: 'flashcard_regeneration', runId: 'scheduled__w1', taskId: 'regenerate_card', mapIndex: 0 };

beforeAll(async () => {
  db = await createTestDb();
  services = flashcardServices({ sql: db.sql, now: () => now, connections: { get: async () => null }, llmEnv: {} });
  ({ deck: { id: deckId } } = await getOrCreateDeck(db.sql, { name: 'Edits', level: null, description: null }, t0));
});
afterAll(() => db?.close());

const first = { french_word: 'le chat', french_example: 'Le chat dort.', english_word: 'cat', english_translation: 'The cat sleeps.' };
const edited = { ...first, french_example: 'Mon chat joue.', english_translation: 'My cat plays.' };
const regenerated = { ...first, french_example: 'Un chat noir.', english_translation: 'A black cat.' };

function validAttempt(card: typeof first): LlmAttempt {
  return {
    word: 'le chat', hint: null, attempt: 1, model: 'gpt-new', provider: '127.0.0.1', promptVersion: 'p2', strategy: 'json_schema',
    requestMessages: [{ role: 'user', content: 'le chat' }], rawResponse: JSON.stringify(card), parsed: card, valid: true,
    reasonCodes: [], problems: [], exampleLength: graphemeLength(card.french_example),
    translationLength: graphemeLength(card.english_translation), maxChars: 20, latencyMs: 5, promptTokens: 1,
    completionTokens: 1, requests: 1, finishReason: 'stop', error: null, createdAt: t0.toISOString(),
  };
}

async function generatedCard(word: string): Promise<number> {
  const cardId = (await addPendingCards(db.sql, deckId, [{ word, hint: null }], t0)).cards[0]!.id;
  await saveGeneratedCard(db.sql, cardId, { ...first, french_word: word }, { promptVersion: 'p1', model: 'gpt-old' }, t0);
  return cardId;
}

describe('a regeneration finishing after a manual edit', () => {
  it("keeps the person's text and archives the regenerated one as a version", async () => {
    const cardId = await generatedCard('le chat');
    await flagCard(db.sql, cardId, 'too plain', later(1));
    // The weekly regeneration lists the flagged card at version 1 …
    const [picked] = await services.flashcards.weakCards(job, { minLapses: 3, limit: 10 });
    expect(picked).toMatchObject({ cardId, version: 1, reasons: ['flagged', 'outdated_prompt'], maxChars: 20 });
    // … a person rewrites it meanwhile …
    now = later(2);
    const mine = await editCard(db.sql, cardId, edited, now, { expectedVersion: 1 });
    expect(mine).toMatchObject({ version: 2, content: edited });
    // … and the regeneration's valid answer arrives afterwards.
    now = later(3);
    const saved = await services.llm.recordAttempt(job, {
      deckId,
      attempt: validAttempt(regenerated),
      saveAs: { cardId, promptVersion: 'p2', baseVersion: picked!.version },
    });
    expect(saved).toMatchObject({ saved: cardId });
    const card = await getCard(db.sql, cardId);
    expect(card).toMatchObject({ version: 2, content: edited, editedAt: later(2), model: null });
    const versions = await listCardVersions(db.sql, cardId);
    expect(versions.map((v) => [v.version, v.replacedBy, v.content.french_example, v.model])).toEqual([
      [1, 'edit', 'Le chat dort.', 'gpt-old'],
      [3, 'kept_edit', 'Un chat noir.', 'gpt-new'],
    ]);
    expect(versions[1]!.source).toEqual({ dagId: 'flashcard_regeneration', runId: 'scheduled__w1', mapIndex: 0 });

    // The next change takes a version number past the archived one.
    const next = await editCard(db.sql, cardId, { ...edited, english_word: 'the cat' }, later(4), { expectedVersion: 2 });
    expect(next.version).toBe(4);
    expect((await listCardVersions(db.sql, cardId)).map((v) => [v.version, v.replacedBy])).toEqual([
      [1, 'edit'],
      [2, 'edit'],
      [3, 'kept_edit'],
    ]);
  });

  it('replaces the content as before when nobody edited the card since it was listed', async () => {
    const cardId = await generatedCard('le chaton');
    const content = { ...regenerated, french_word: 'le chaton', french_example: 'Un chaton noir.' };
    await services.llm.recordAttempt(job, {
      deckId,
      attempt: { ...validAttempt(content), word: 'le chaton' },
      saveAs: { cardId, promptVersion: 'p2', baseVersion: 1 },
    });
    expect(await getCard(db.sql, cardId)).toMatchObject({ version: 2, content, editedAt: null, model: 'gpt-new' });
  });
});

describe('an edit based on an old version', () => {
  it('is refused with a conflict naming both versions, and changes nothing', async () => {
    const cardId = await generatedCard('la souris');
    await editCard(db.sql, cardId, { ...first, french_word: 'la souris', french_example: 'La souris court.' }, later(1), { expectedVersion: 1 });
    const stale = editCard(db.sql, cardId, { ...first, french_word: 'la souris', french_example: 'Une souris.' }, later(2), { expectedVersion: 1 });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toThrow(/changed since you loaded it \(version 1, now 2, edited\)/);
    expect((await getCard(db.sql, cardId)).content?.french_example).toBe('La souris court.');
  });
});
