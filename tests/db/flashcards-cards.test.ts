import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ConflictError, NotFoundError } from '../../lib/kernel/errors';
import { editCard, listCardVersions, saveGeneratedCard } from '../../lib/flashcards/card-content-updates';
import type { CardContentInput } from '../../lib/flashcards/card-content';
import {
  addPendingCards,
  deleteCard,
  flagCard,
  getCard,
  listCards,
  markCardFailed,
  unflagCard,
} from '../../lib/flashcards/cards';
import { deleteDeck, findDeckByName, getOrCreateDeck, listDecks, updateDeck } from '../../lib/flashcards/decks';
import { parseVocabulary } from '../../lib/flashcards/parse-vocabulary';
import { gradeCard, reviewHistory } from '../../lib/flashcards/review';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const META = { promptVersion: 'p1', model: 'gpt-test', source: { dagId: 'french_flashcards', runId: 'manual__1', mapIndex: 0 } };

const content = (fw: string, fe: string, ew: string, et: string): CardContentInput => ({
  french_word: fw,
  french_example: fe,
  english_word: ew,
  english_translation: et,
});

let db: Database;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db?.close());

describe('decks', () => {
  it('creates a deck once per name, case-insensitively, and fills in what an existing deck lacks', async () => {
    const first = await getOrCreateDeck(db.sql, { name: '  Le  Fabuleux Destin d’Amélie Poulain ' }, T0);
    expect(first.created).toBe(true);
    expect(first.deck).toMatchObject({ name: 'Le Fabuleux Destin d’Amélie Poulain', description: null, level: null });

    const again = await getOrCreateDeck(db.sql, { name: "le fabuleux destin d'amélie poulain", level: 'B1', description: '' }, at(1));
    expect(again).toEqual({ created: false, deck: { ...first.deck, level: 'B1' } });
    expect(await findDeckByName(db.sql, 'LE FABULEUX DESTIN D’AMÉLIE POULAIN')).toEqual(again.deck);
  });

  it('refuses an empty name with a zod error', async () => {
    await expect(getOrCreateDeck(db.sql, { name: '   ' }, T0)).rejects.toBeInstanceOf(ZodError);
  });

  it('renames a deck, refusing a name another deck has', async () => {
    const { deck: a } = await getOrCreateDeck(db.sql, { name: 'Intouchables' }, T0);
    await getOrCreateDeck(db.sql, { name: 'La Haine' }, T0);
    await expect(updateDeck(db.sql, a.id, { name: 'la haine' }, at(1))).rejects.toBeInstanceOf(ConflictError);
    const renamed = await updateDeck(db.sql, a.id, { name: 'Intouchables (2011)', level: 'B2' }, at(2));
    expect(renamed).toMatchObject({ name: 'Intouchables (2011)', level: 'B2', description: null, updatedAt: at(2) });
    await expect(updateDeck(db.sql, 999_999, { level: 'A1' }, at(2))).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('cards of a deck', () => {
  it('adds pending cards from parsed vocabulary, skipping words the deck already has a valid card for', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Les Intouchables' }, T0);
    const first = await addPendingCards(db.sql, deck.id, parseVocabulary('la bagnole\nle boulot ; travail\nbosser').entries, T0);
    expect(first.skipped).toEqual([]);
    expect(first.cards.map((c) => [c.word, c.hint, c.status, c.version])).toEqual([
      ['la bagnole', null, 'pending', 0],
      ['le boulot', 'travail', 'pending', 0],
      ['bosser', null, 'pending', 0],
    ]);
    const [bagnole, boulot] = first.cards;
    await saveGeneratedCard(db.sql, bagnole!.id, content('la bagnole', 'Ma bagnole roule.', 'the car', 'My car runs.'), META, at(1));
    await markCardFailed(db.sql, boulot!.id, [{ code: 'example_too_long', message: 'example has 27 characters' }], at(1));

    // Re-pasting: the valid card is skipped, the failed and pending ones come back to be generated, new words added.
    const second = await addPendingCards(db.sql, deck.id, [{ word: 'LA BAGNOLE' }, { word: 'le boulot' }, { word: 'bosser' }, { word: 'kiffer' }], at(2));
    expect(second.skipped).toEqual([{ word: 'la bagnole', cardId: bagnole!.id, reason: 'already_valid' }]);
    expect(second.cards.map((c) => [c.word, c.status])).toEqual([
      ['le boulot', 'failed'],
      ['bosser', 'pending'],
      ['kiffer', 'pending'],
    ]);
    expect(second.cards[0]!.failureReasons).toEqual([{ code: 'example_too_long', message: 'example has 27 characters' }]);
  });

  it('treats accent variants as different words and repeated keys in one call as one', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Accents' }, T0);
    const result = await addPendingCards(db.sql, deck.id, [{ word: 'ou' }, { word: 'où' }, { word: 'OU' }, { word: 'ou\u0300' }], T0);
    expect(result.cards.map((c) => c.word)).toEqual(['ou', 'où']);
    expect(result.cards.map((c) => c.wordKey)).toEqual(['ou', 'où']);
  });

  it('refuses cards for a deck that does not exist', async () => {
    await expect(addPendingCards(db.sql, 424_242, [{ word: 'mot' }], T0)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('saves generated content: version 1, valid, due from the moment it exists, with its provenance', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Save' }, T0);
    const [pending] = (await addPendingCards(db.sql, deck.id, [{ word: 'kiffer' }], T0)).cards;
    const saved = await saveGeneratedCard(db.sql, pending!.id, content(' kiffer ', 'Je kiffe ça.', 'to love', 'I love that.'), META, at(5));
    expect(saved).toMatchObject({
      status: 'valid',
      version: 1,
      content: { french_word: 'kiffer', french_example: 'Je kiffe ça.', english_word: 'to love', english_translation: 'I love that.' },
      promptVersion: 'p1',
      model: 'gpt-test',
      source: { dagId: 'french_flashcards', runId: 'manual__1', mapIndex: 0 },
      contentUpdatedAt: at(5),
      editedAt: null,
      failureReasons: [],
      fsrs: { due: at(5), state: 0, reps: 0 },
    });
    expect(await listCardVersions(db.sql, saved.id)).toEqual([]);
  });

  it('refuses invalid content (empty or multi-line fields) before touching the row', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Invalid' }, T0);
    const [card] = (await addPendingCards(db.sql, deck.id, [{ word: 'mec' }], T0)).cards;
    await expect(saveGeneratedCard(db.sql, card!.id, content('mec', '  ', 'guy', 'x'), META, T0)).rejects.toBeInstanceOf(ZodError);
    await expect(saveGeneratedCard(db.sql, card!.id, content('mec', 'Un\nmec', 'guy', 'A guy'), META, T0)).rejects.toThrow(/single line/);
    expect((await getCard(db.sql, card!.id)).status).toBe('pending');
  });

  it('regenerates a card as a new version: same id, old content archived, review history and FSRS state kept', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Regenerate' }, T0);
    const [pending] = (await addPendingCards(db.sql, deck.id, [{ word: 'la thune' }], T0)).cards;
    const v1 = await saveGeneratedCard(db.sql, pending!.id, content('la thune', "J'ai pas de thune.", 'dough', 'I have no dough.'), META, at(1));
    const graded = await gradeCard(db.sql, v1.id, 3, at(2));
    await flagCard(db.sql, v1.id, 'translation is too literal', at(3));

    const v2 = await saveGeneratedCard(
      db.sql,
      v1.id,
      content('la thune', 'Pas de thune.', 'cash', 'No cash.'),
      { promptVersion: 'p2', model: 'gpt-test-2', source: { dagId: 'flashcard_regeneration', runId: 'scheduled__w1', mapIndex: 4 } },
      at(10),
    );
    expect(v2).toMatchObject({
      id: v1.id,
      version: 2,
      status: 'valid',
      promptVersion: 'p2',
      model: 'gpt-test-2',
      flaggedAt: null,
      flagReason: null,
      content: { french_example: 'Pas de thune.' },
    });
    expect(v2.fsrs).toEqual(graded.card.fsrs); // The memory of the word is kept.
    expect(await listCardVersions(db.sql, v1.id)).toEqual([
      {
        version: 1,
        content: { french_word: 'la thune', french_example: "J'ai pas de thune.", english_word: 'dough', english_translation: 'I have no dough.' },
        promptVersion: 'p1',
        model: 'gpt-test',
        editedAt: null,
        source: { dagId: 'french_flashcards', runId: 'manual__1', mapIndex: 0 },
        contentCreatedAt: at(1),
        replacedBy: 'regeneration',
        replacedAt: at(10),
      },
    ]);
    await gradeCard(db.sql, v1.id, 3, graded.card.fsrs.due);
    expect((await reviewHistory(db.sql, v1.id)).map((r) => [r.cardVersion, r.rating])).toEqual([[1, 3], [2, 3]]);
  });

  it('a failed regeneration keeps the valid content and records the reasons', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Failed regeneration' }, T0);
    const [card] = (await addPendingCards(db.sql, deck.id, [{ word: 'le taf' }], T0)).cards;
    await saveGeneratedCard(db.sql, card!.id, content('le taf', 'Je vais au taf.', 'work', 'I go to work.'), META, at(1));
    const after = await markCardFailed(db.sql, card!.id, [{ code: 'timeout' }], at(2));
    expect(after).toMatchObject({ status: 'valid', version: 1, failureReasons: [{ code: 'timeout' }], content: { french_word: 'le taf' } });
    await expect(markCardFailed(db.sql, card!.id, [], at(2))).rejects.toBeInstanceOf(ZodError);
  });

  it('edits a card as a new version marked as written by a person; an unchanged edit changes nothing', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Edit' }, T0);
    const [card] = (await addPendingCards(db.sql, deck.id, [{ word: 'chelou' }], T0)).cards;
    const v1 = await saveGeneratedCard(db.sql, card!.id, content('chelou', "C'est chelou.", 'weird', "It's weird."), META, at(1));
    await flagCard(db.sql, v1.id, 'wrong register', at(2));

    const edited = await editCard(db.sql, v1.id, content('chelou', 'Trop chelou !', 'weird', 'So weird!'), at(3));
    expect(edited).toMatchObject({ version: 2, editedAt: at(3), promptVersion: null, model: null, source: null, flaggedAt: null });
    const same = await editCard(db.sql, v1.id, content('chelou', 'Trop chelou !', 'weird', 'So weird!'), at(4));
    expect(same).toEqual(edited);
    expect((await listCardVersions(db.sql, v1.id)).map((v) => [v.version, v.replacedBy])).toEqual([[1, 'edit']]);
  });

  it('edits with a stricter schema when the caller passes one (lib/llm length rules)', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Strict edit' }, T0);
    const [card] = (await addPendingCards(db.sql, deck.id, [{ word: 'ouf' }], T0)).cards;
    const { CardContentSchema } = await import('../../lib/flashcards/card-content');
    const strict = CardContentSchema.refine((c) => [...c.french_example].length < 20, 'example too long');
    await expect(editCard(db.sql, card!.id, content('ouf', 'Une phrase bien trop longue ici.', 'crazy', 'x'), T0, { schema: strict })).rejects.toThrow(/example too long/);
    // A person may write the card the model could not: pending → valid, due now.
    const written = await editCard(db.sql, card!.id, content('ouf', "C'est ouf !", 'crazy', "It's crazy!"), at(1), { schema: strict });
    expect(written).toMatchObject({ status: 'valid', version: 1, fsrs: { due: at(1) } });
  });

  it('flags with a reason and unflags; refuses to flag a card without content', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Flags' }, T0);
    const [a, b] = (await addPendingCards(db.sql, deck.id, [{ word: 'le flic' }, { word: 'la meuf' }], T0)).cards;
    await saveGeneratedCard(db.sql, a!.id, content('le flic', 'Le flic arrive.', 'the cop', 'The cop comes.'), META, T0);
    expect(await flagCard(db.sql, a!.id, '  wrong   translation ', at(1))).toMatchObject({ flaggedAt: at(1), flagReason: 'wrong translation' });
    await expect(flagCard(db.sql, a!.id, '', at(1))).rejects.toBeInstanceOf(ZodError);
    await expect(flagCard(db.sql, b!.id, 'no content', at(1))).rejects.toBeInstanceOf(ConflictError);
    await expect(flagCard(db.sql, 987_654, 'x', at(1))).rejects.toBeInstanceOf(NotFoundError);
    expect(await unflagCard(db.sql, a!.id, at(2))).toMatchObject({ flaggedAt: null, flagReason: null });
  });

  it('lists cards with filters and totals, and counts them per deck', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Listing' }, T0);
    const { cards } = await addPendingCards(db.sql, deck.id, ['d', 'c', 'b', 'a'].map((w) => ({ word: `mot ${w}` })), T0);
    await saveGeneratedCard(db.sql, cards[0]!.id, content('mot d', 'Le mot d.', 'word d', 'Word d.'), META, T0);
    await saveGeneratedCard(db.sql, cards[1]!.id, content('mot c', 'Le mot c.', 'word c', 'Word c.'), META, T0);
    await flagCard(db.sql, cards[1]!.id, 'bad', T0);
    await markCardFailed(db.sql, cards[2]!.id, [{ code: 'refusal' }], T0);

    const page = await listCards(db.sql, deck.id, { limit: 2, offset: 1 });
    expect(page.total).toBe(4);
    expect(page.cards.map((c) => c.word)).toEqual(['mot b', 'mot c']);
    expect((await listCards(db.sql, deck.id, { status: 'valid' })).cards.map((c) => c.word)).toEqual(['mot c', 'mot d']);
    expect((await listCards(db.sql, deck.id, { flagged: true })).total).toBe(1);

    const summary = (await listDecks(db.sql, at(1))).find((d) => d.id === deck.id);
    expect(summary?.cards).toEqual({ total: 4, valid: 2, pending: 1, failed: 1, flagged: 1, dueNow: 1 });
  });

  it('deletes a card with its versions and reviews, and a deck with its cards', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Delete' }, T0);
    const [card] = (await addPendingCards(db.sql, deck.id, [{ word: 'se casser' }], T0)).cards;
    await saveGeneratedCard(db.sql, card!.id, content('se casser', 'Je me casse.', 'to leave', "I'm leaving."), META, T0);
    await saveGeneratedCard(db.sql, card!.id, content('se casser', 'On se casse.', 'to leave', "We're leaving."), META, at(1));
    await gradeCard(db.sql, card!.id, 4, at(2));
    await deleteCard(db.sql, card!.id);
    await expect(getCard(db.sql, card!.id)).rejects.toBeInstanceOf(NotFoundError);
    const orphans = await db.sql.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM card_version WHERE card_id = $1) + (SELECT count(*) FROM review_log WHERE card_id = $1) AS n`,
      [card!.id],
    );
    expect(orphans[0]!.n).toBe(0);
    await expect(deleteCard(db.sql, card!.id)).rejects.toBeInstanceOf(NotFoundError);

    const [other] = (await addPendingCards(db.sql, deck.id, [{ word: 'la daronne' }], T0)).cards;
    await deleteDeck(db.sql, deck.id);
    await expect(getCard(db.sql, other!.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('composes inside a caller transaction: a failure rolls back every card it added', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Transactional' }, T0);
    await expect(
      db.sql.transaction(async (tx) => {
        await addPendingCards(tx, deck.id, [{ word: 'un' }, { word: 'deux' }], T0);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await listCards(db.sql, deck.id)).total).toBe(0);
  });
});
