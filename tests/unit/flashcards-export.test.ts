import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cardsToApkg, noteGuid } from '../../lib/flashcards/export-apkg';
import { escapeHtml } from '../../lib/kernel/escape-html';
import { cardFaces, cardsToCsv, csvField, exportFileStem } from '../../lib/flashcards/export-csv';
import type { Card } from '../../lib/flashcards/card-row';

function card(id: number, fields: { fw: string; fe: string; ew: string; et: string; word?: string; hint?: string | null }): Card {
  const epoch = new Date('2026-03-02T09:00:00.000Z');
  return {
    id,
    deckId: 1,
    word: fields.word ?? fields.fw,
    wordKey: (fields.word ?? fields.fw).toLowerCase(),
    hint: fields.hint ?? null,
    content: { french_word: fields.fw, french_example: fields.fe, english_word: fields.ew, english_translation: fields.et },
    status: 'valid',
    failureReasons: [],
    promptVersion: 'p1',
    model: 'm1',
    version: 1,
    contentUpdatedAt: epoch,
    editedAt: null,
    maxChars: 20,
    failedRegenerations: 0,
    regenerateAfter: null,
    source: null,
    flaggedAt: null,
    flagReason: null,
    fsrs: { due: epoch, stability: 0, difficulty: 0, elapsedDays: 0, scheduledDays: 0, learningSteps: 0, reps: 0, lapses: 0, state: 0, lastReview: null },
    createdAt: epoch,
    updatedAt: epoch,
  };
}

/** A minimal zip reader (central directory + stored/deflate entries), so the test needs no zip library. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

describe('CSV export', () => {
  it('quotes fields with commas, quotes, CR or LF (RFC 4180) and leaves others bare', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('il a dit "salut"')).toBe('"il a dit ""salut"""');
    expect(csvField('deux\nlignes')).toBe('"deux\nlignes"');
    expect(csvField('retour\rchariot')).toBe('"retour\rchariot"');
    expect(csvField('déjà vu — ça')).toBe('déjà vu — ça');
    expect(csvField('')).toBe('');
  });

  it('writes a header, front/back faces and every field, CRLF between records', () => {
    const csv = cardsToCsv([
      card(1, { fw: 'la bagnole', fe: 'Ma bagnole, quoi.', ew: 'the car', et: 'My car, right.', hint: 'voiture' }),
      card(2, { fw: 'kiffer', fe: 'Je kiffe "ça".', ew: 'to love', et: 'I love "that".' }),
    ]);
    expect(csv).toBe(
      'front,back,french_word,french_example,english_word,english_translation,word,hint\r\n' +
        '"la bagnole\nMa bagnole, quoi.","the car\nMy car, right.",la bagnole,"Ma bagnole, quoi.",the car,"My car, right.",la bagnole,voiture\r\n' +
        '"kiffer\nJe kiffe ""ça"".","to love\nI love ""that"".",kiffer,"Je kiffe ""ça"".",to love,"I love ""that"".",kiffer,\r\n',
    );
  });

  it('keeps accents as UTF-8 and adds a BOM only on request', () => {
    const cards = [card(1, { fw: 'été', fe: "L'été est là.", ew: 'summer', et: 'Summer is here.' })];
    const plain = cardsToCsv(cards);
    expect(plain.startsWith('front,')).toBe(true);
    expect(Buffer.from(plain, 'utf8').includes(Buffer.from('été', 'utf8'))).toBe(true);
    const withBom = cardsToCsv(cards, { bom: true });
    expect(Buffer.from(withBom, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(withBom.slice(1)).toBe(plain);
  });

  it('neutralizes spreadsheet formulas by default, and keeps the raw text when asked', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const formula of ['=1+1', '+1', '-ci', '@SUM(A1)', '\t=1', '\r=1']) expect(csvField(formula).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('la bagnole')).toBe('la bagnole');
    expect(csvField('=HYPERLINK("x")', { spreadsheetSafe: false })).toBe('"=HYPERLINK(""x"")"');
    expect(csvField('-ci', { spreadsheetSafe: false })).toBe('-ci');
  });

  it('round-trips through a strict RFC 4180 parse', () => {
    const tricky = card(1, { fw: 'a,"b"', fe: 'x\r\ny', ew: '"', et: ',', hint: '\n' });
    const parsed = parseCsv(cardsToCsv([tricky]));
    expect(parsed[1]).toEqual(['a,"b"\nx\r\ny', '"\n,', 'a,"b"', 'x\r\ny', '"', ',', 'a,"b"', '\n']);
    expect(cardFaces(tricky).front).toBe('a,"b"\nx\r\ny');
  });

  it('makes a safe file name from a deck name', () => {
    expect(exportFileStem('Le Fabuleux Destin d’Amélie')).toBe('Le Fabuleux Destin d’Amélie');
    expect(exportFileStem('a/b\\c:d*?"<>|e')).toBe('a_b_c_d_e');
    expect(exportFileStem('///')).toBe('_');
    expect(exportFileStem('')).toBe('deck');
  });
});

describe('Anki package export', () => {
  it('writes a zip holding a SQLite collection.anki2 with every card, and a media map', async () => {
    const cards = [
      card(1, { fw: 'la bagnole', fe: 'Ma bagnole roule.', ew: 'the car', et: 'My car runs.' }),
      card(2, { fw: 'kiffer', fe: 'Je kiffe <ça> & "toi".', ew: 'to love', et: 'I love it.' }),
    ];
    const apkg = await cardsToApkg('Amélie', cards, { tags: ['B1 level'] });
    expect(apkg.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const files = readZip(apkg);
    expect([...files.keys()].sort()).toEqual(['collection.anki2', 'media']);
    expect(files.get('media')!.toString()).toBe('{}');
    const collection = files.get('collection.anki2')!;
    expect(collection.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(collection.length).toBeGreaterThan(10_000);
    const text = collection.toString('utf8');
    expect(text).toContain('<div class="word">la bagnole</div><div class="example">Ma bagnole roule.</div>');
    expect(text).toContain('Je kiffe &lt;ça&gt; &amp; &quot;toi&quot;.'); // Fields are HTML in Anki.
    expect(text).toContain('"name":"Amélie"');
    expect(text).toContain(' flashflow B1_level ');
  });

  it('exports a deck of 3,000 cards (the library alone aborts near 1,000: fixed 16 MB sql.js heap)', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => card(i + 1, { fw: `mot${i}`, fe: `Le mot ${i}.`, ew: `word${i}`, et: `The word ${i}.` }));
    const started = performance.now();
    const collection = readZip(await cardsToApkg('Big', many)).get('collection.anki2')!;
    expect(performance.now() - started).toBeLessThan(5_000); // ≈ 0.2 s here; the library's own addCard is O(n²).
    // Distinct words: SQLite may leave stale copies of a cell in free space, so raw occurrences can exceed the rows.
    const found = new Set([...collection.toString('utf8').matchAll(/<div class="word">mot(\d+)<\/div>/g)].map((m) => m[1]));
    expect(found.size).toBe(3_000);
  });

  it('gives each card a guid stable across exports, so re-importing updates notes instead of duplicating them', async () => {
    const one = [card(7, { fw: 'la fève', fe: 'Une fève.', ew: 'the bean', et: 'A bean.' })];
    const guid = noteGuid(one[0]!);
    expect(guid).toMatch(/^[0-9a-f]{16}$/);
    expect(noteGuid({ deckId: 1, id: 8 })).not.toBe(guid);
    for (const now of [new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z')]) {
      const collection = readZip(await cardsToApkg('Deck', one, { now })).get('collection.anki2')!;
      expect(collection.includes(Buffer.from(guid))).toBe(true);
    }
  });

  it("leaves no process handlers behind (sql.js's shell would exit the server on any unhandled rejection)", async () => {
    const before = [process.listeners('unhandledRejection').length, process.listeners('uncaughtException').length];
    await cardsToApkg('Deck', []);
    expect([process.listeners('unhandledRejection').length, process.listeners('uncaughtException').length]).toEqual(before);
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<b>"l'été" & co</b>`)).toBe('&lt;b&gt;&quot;l&#39;été&quot; &amp; co&lt;/b&gt;');
  });
});

/** RFC 4180 reader for the round-trip check. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    field += ch; i++;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}
