import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { editCard, saveGeneratedCard } from '../../lib/flashcards/card-content-updates';
import type { Card } from '../../lib/flashcards/card-row';
import { addPendingCards, flagCard, getCard, markCardFailed } from '../../lib/flashcards/cards';
import { getOrCreateDeck } from '../../lib/flashcards/decks';
import { gradeCard } from '../../lib/flashcards/review';
import { selectWeakCards } from '../../lib/flashcards/weak-cards';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const CURRENT = { promptVersion: 'p2', model: 'm2' };

let db: Database;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db?.close());

const body = (word: string, n = 1) => ({
  french_word: word,
  french_example: `Le ${word} ${n}.`,
  english_word: word,
  english_translation: `The ${word} ${n}.`,
});

/** Reviews a card into the Review state, then lapses it `lapses` times (Again in review, then Good to recover). */
async function lapse(card: Card, lapses: number): Promise<Card> {
  let current = (await gradeCard(db.sql, card.id, 4, card.fsrs.due)).card; // Easy: new → review.
  for (let i = 0; i < lapses; i++) {
    current = (await gradeCard(db.sql, current.id, 1, current.fsrs.due)).card; // Again: lapse, relearning.
    current = (await gradeCard(db.sql, current.id, 3, current.fsrs.due)).card; // Good: back to review.
  }
  return current;
}

describe('selectWeakCards', () => {
  it('picks failed, flagged, lapsing and outdated cards with their reasons, in priority order', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Weak' }, T0);
    const words = ['fine', 'failed', 'flagged', 'lapsing', 'lapsed twice', 'old prompt', 'old model', 'edited', 'pending'];
    const { cards } = await addPendingCards(db.sql, deck.id, words.map((word) => ({ word })), T0);
    const byWord = new Map(cards.map((c) => [c.word, c]));
    const id = (word: string): number => byWord.get(word)!.id;

    for (const word of ['fine', 'flagged', 'lapsing', 'lapsed twice', 'edited']) {
      await saveGeneratedCard(db.sql, id(word), body(word), CURRENT, T0);
    }
    await saveGeneratedCard(db.sql, id('old prompt'), body('old prompt'), { promptVersion: 'p1', model: 'm2' }, T0);
    await saveGeneratedCard(db.sql, id('old model'), body('old model'), { promptVersion: 'p2', model: 'm1' }, T0);
    await saveGeneratedCard(db.sql, id('edited'), body('edited'), { promptVersion: 'p0', model: 'm0' }, T0);
    await editCard(db.sql, id('edited'), body('edited', 2), T0); // A person's edit is not "outdated".
    await markCardFailed(db.sql, id('failed'), [{ code: 'example_too_long' }], T0);
    await flagCard(db.sql, id('flagged'), 'wrong', T0);
    const lapsing = await lapse(await getCard(db.sql, id('lapsing')), 3);
    await lapse(await getCard(db.sql, id('lapsed twice')), 2);
    expect(lapsing.fsrs.lapses).toBe(3);

    const weak = await selectWeakCards(db.sql, { ...CURRENT, minLapses: 3, deckId: deck.id });
    expect(weak.map((w) => [w.card.word, w.reasons])).toEqual([
      ['failed', ['failed']],
      ['flagged', ['flagged']],
      ['lapsing', ['lapsing']],
      ['old prompt', ['outdated_prompt']],
      ['old model', ['outdated_model']],
    ]);
    expect(weak.find((w) => w.card.word === 'lapsing')?.lapsesThisVersion).toBe(3);

    // Without a model, only the prompt version counts; a smaller lapse threshold adds the card that lapsed twice.
    const loose = await selectWeakCards(db.sql, { promptVersion: 'p2', minLapses: 2, deckId: deck.id });
    expect(loose.map((w) => w.card.word)).toEqual(['failed', 'flagged', 'lapsing', 'lapsed twice', 'old prompt']);
    expect((await selectWeakCards(db.sql, { ...CURRENT, deckId: deck.id, limit: 2 })).map((w) => w.card.word)).toEqual(['failed', 'flagged']);
  });

  it('gives a regenerated card a clean slate: lapses of its previous version no longer count', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Clean slate' }, T0);
    const [card] = (await addPendingCards(db.sql, deck.id, [{ word: 'la galère' }], T0)).cards;
    const saved = await saveGeneratedCard(db.sql, card!.id, body('la galère'), CURRENT, T0);
    const lapsed = await lapse(saved, 3);
    expect((await selectWeakCards(db.sql, { ...CURRENT, deckId: deck.id })).map((w) => w.reasons)).toEqual([['lapsing']]);

    const regenerated = await saveGeneratedCard(db.sql, card!.id, body('la galère', 2), CURRENT, lapsed.fsrs.due);
    expect(regenerated.fsrs.lapses).toBe(3); // FSRS memory kept…
    expect(await selectWeakCards(db.sql, { ...CURRENT, deckId: deck.id })).toEqual([]); // …but not re-picked.
  });

  it('lists every reason a card was picked for', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Several reasons' }, T0);
    const [card] = (await addPendingCards(db.sql, deck.id, [{ word: 'le pognon' }], T0)).cards;
    await saveGeneratedCard(db.sql, card!.id, body('le pognon'), { promptVersion: 'p1', model: 'm1' }, T0);
    await flagCard(db.sql, card!.id, 'stilted', T0);
    const [weak] = await selectWeakCards(db.sql, { ...CURRENT, deckId: deck.id });
    expect(weak?.reasons).toEqual(['flagged', 'outdated_prompt', 'outdated_model']);
  });

  it('validates its criteria', async () => {
    await expect(selectWeakCards(db.sql, { promptVersion: '' })).rejects.toBeInstanceOf(ZodError);
    await expect(selectWeakCards(db.sql, { promptVersion: 'p', minLapses: 0 })).rejects.toBeInstanceOf(ZodError);
  });
});
