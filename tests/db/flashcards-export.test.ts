import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../lib/kernel/errors';
import { saveGeneratedCard } from '../../lib/flashcards/card-content-updates';
import { addPendingCards, flagCard } from '../../lib/flashcards/cards';
import { getOrCreateDeck, setDeckMaxChars } from '../../lib/flashcards/decks';
import { exportDeckApkg } from '../../lib/flashcards/export-apkg';
import { exportDeckCsv } from '../../lib/flashcards/export-csv';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const META = { promptVersion: 'p1', model: 'm1' };

let db: Database;
let deckId: number;

beforeAll(async () => {
  db = await createTestDb();
  const { deck } = await getOrCreateDeck(db.sql, { name: 'Amélie / Montmartre', level: 'B1' }, T0);
  await setDeckMaxChars(db.sql, deck.id, 30); // 'The gnome "travels".' has 20 characters
  deckId = deck.id;
  const { cards } = await addPendingCards(db.sql, deck.id, [{ word: 'la fève' }, { word: 'le nain' }, { word: 'la photo' }, { word: 'pending' }], T0);
  const [feve, nain, photo] = cards;
  await saveGeneratedCard(db.sql, feve!.id, { french_word: 'la fève', french_example: 'Une fève, enfin.', english_word: 'the bean', english_translation: 'A bean, finally.' }, META, T0);
  await saveGeneratedCard(db.sql, nain!.id, { french_word: 'le nain', french_example: 'Le nain "voyage".', english_word: 'the gnome', english_translation: 'The gnome "travels".' }, META, T0);
  await saveGeneratedCard(db.sql, photo!.id, { french_word: 'la photo', french_example: 'Une photo.', english_word: 'the photo', english_translation: 'A photo.' }, META, T0);
  await flagCard(db.sql, photo!.id, 'wrong', T0);
});
afterAll(() => db?.close());

describe('deck exports', () => {
  it('exports the valid, unflagged cards as CSV with a safe file name', async () => {
    const { filename, csv, cardCount } = await exportDeckCsv(db.sql, deckId, { bom: true });
    expect(filename).toBe('Amélie _ Montmartre.csv');
    expect(cardCount).toBe(2);
    expect(csv).toBe(
      '\uFEFFfront,back,french_word,french_example,english_word,english_translation,word,hint\r\n' +
        '"la fève\nUne fève, enfin.","the bean\nA bean, finally.",la fève,"Une fève, enfin.",the bean,"A bean, finally.",la fève,\r\n' +
        '"le nain\nLe nain ""voyage"".","the gnome\nThe gnome ""travels"".",le nain,"Le nain ""voyage"".",the gnome,"The gnome ""travels"".",le nain,\r\n',
    );
  });

  it('neutralizes cells a spreadsheet would run as formulas, by default', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Formulas', level: 'B1' }, T0);
    const { cards } = await addPendingCards(db.sql, deck.id, [{ word: '-ci' }], T0);
    await saveGeneratedCard(db.sql, cards[0]!.id, { french_word: '-ci', french_example: 'Celui-ci.', english_word: '=HYPERLINK("https://evil.example")', english_translation: '@SUM(A1)' }, META, T0);
    const row = (await exportDeckCsv(db.sql, deck.id)).csv.split('\r\n')[1];
    expect(row).toBe(`"'-ci\nCelui-ci.","'=HYPERLINK(""https://evil.example"")\n@SUM(A1)",'-ci,Celui-ci.,"'=HYPERLINK(""https://evil.example"")",'@SUM(A1),'-ci,`);
  });

  it('exports the same cards as an Anki package tagged with the deck level', async () => {
    const { filename, apkg, cardCount } = await exportDeckApkg(db.sql, deckId, { now: T0 });
    expect(filename).toBe('Amélie _ Montmartre.apkg');
    expect(cardCount).toBe(2);
    expect(apkg.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    expect(apkg.length).toBeGreaterThan(1_000);
  });

  it('says which deck is missing', async () => {
    await expect(exportDeckCsv(db.sql, 777_777)).rejects.toBeInstanceOf(NotFoundError);
    await expect(exportDeckApkg(db.sql, 777_777)).rejects.toThrow('Deck 777777 not found');
  });
});
