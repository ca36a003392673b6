// Anki package (.apkg) export: a zip holding collection.anki2 (SQLite) and a media map. anki-apkg-export supplies the
// collection schema, the deck and note type, and the zip; the notes and cards rows are written here, because its
// addCard runs an unindexed "max id" query and leaks a prepared statement per call — O(n²), and its bundled sql.js
// (fixed 16 MB heap) aborts near 1,000 cards. Fields are HTML in Anki, so card text is escaped.
// Loaded on first use: sql.js is a 2.7 MB asm.js file the rest of the app never needs.
import { escapeHtml } from '../kernel/escape-html';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AnkiExporter, AnkiTemplate } from 'anki-apkg-export';
import type { SqlClient } from '../store/database';
import type { Card } from './card-row';
import { listExportableCards } from './cards';
import { getDeck } from './decks';
import { exportFileStem } from './export-csv';

const TEMPLATE: AnkiTemplate = {
  questionFormat: '{{Front}}',
  answerFormat: '{{FrontSide}}\n\n<hr id="answer">\n\n{{Back}}',
  css:
    '.card { font-family: system-ui, sans-serif; font-size: 22px; text-align: center; color: #111; background: #fff; }\n' +
    '.word { font-weight: 600; font-size: 28px; }\n.example { margin-top: .5em; font-style: italic; }\n',
};

type CreateExporter = (deckName: string, template?: AnkiTemplate) => AnkiExporter;
let createExporter: CreateExporter | undefined;

const PROCESS_EVENTS = ['unhandledRejection', 'uncaughtException'] as const;

/**
 * Loads anki-apkg-export (and its sql.js) with Node's own require — createRequire keeps the bundler from inlining
 * 2.7 MB of asm.js. sql.js 0.5's Emscripten shell registers process handlers on load, one of which calls
 * process.exit(1) on ANY unhandled rejection in the process; those are removed again so the server's own handling
 * (and PGlite's orderly close) stays in charge.
 */
function loadExporter(): CreateExporter {
  if (createExporter) return createExporter;
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  let mod: { default?: unknown };
  try {
    mod = createRequire(import.meta.url)('anki-apkg-export') as { default?: unknown };
  } finally {
    for (const event of PROCESS_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  if (typeof mod.default !== 'function') throw new Error('anki-apkg-export did not load: no exporter function found');
  createExporter = mod.default as CreateExporter;
  return createExporter;
}

/** Anki tags cannot hold spaces. */
const tag = (text: string): string => text.trim().replace(/\s+/g, '_');

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** Stable per Flashflow card: re-importing a newer export updates the Anki notes instead of duplicating them. */
export function noteGuid(card: Pick<Card, 'deckId' | 'id'>): string {
  return sha1(`flashflow:${card.deckId}:${card.id}`).slice(0, 16);
}

export interface ApkgOptions {
  tags?: string[];
  /** Note/card ids and modification times derive from it (Anki ids are epoch milliseconds). */
  now?: Date;
}

export async function cardsToApkg(deckName: string, cards: readonly Card[], options: ApkgOptions = {}): Promise<Buffer> {
  const exporter = loadExporter()(deckName, TEMPLATE);
  try {
    const tags = ` ${['flashflow', ...(options.tags ?? [])].map(tag).filter(Boolean).join(' ')} `;
    const baseId = (options.now ?? new Date()).getTime();
    const modSeconds = Math.floor(baseId / 1000);
    const { db, topDeckId, topModelId, separator } = exporter;
    const insertNote = db.prepare('INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertCard = db.prepare('INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    try {
      db.exec('BEGIN');
      let position = 0;
      for (const card of cards) {
        const c = card.content;
        if (!c) continue;
        const front = `<div class="word">${escapeHtml(c.french_word)}</div><div class="example">${escapeHtml(c.french_example)}</div>`;
        const back = `<div class="word">${escapeHtml(c.english_word)}</div><div class="example">${escapeHtml(c.english_translation)}</div>`;
        const id = baseId + position;
        position += 1;
        // Anki's sort field and duplicate checksum (first 8 hex digits of the SHA-1 of the plain first field).
        const csum = parseInt(sha1(c.french_word).slice(0, 8), 16);
        insertNote.run([id, noteGuid(card), topModelId, modSeconds, -1, tags, `${front}${separator}${back}`, c.french_word, csum, 0, '']);
        // A new card (type 0, queue 0); `due` is its position in the new-card queue.
        insertCard.run([id, id, topDeckId, 0, modSeconds, -1, 0, 0, position, 0, 0, 0, 0, 0, 0, 0, 0, '']);
      }
      db.exec('COMMIT');
    } finally {
      insertNote.free();
      insertCard.free();
    }
    return await exporter.save();
  } finally {
    exporter.db.close(); // Frees the Emscripten heap this export used.
  }
}

/** The deck's exportable cards (valid, not flagged) as an .apkg, and a file name for Content-Disposition. */
export async function exportDeckApkg(
  sql: SqlClient,
  deckId: number,
  options: { now?: Date } = {},
): Promise<{ filename: string; apkg: Buffer; cardCount: number }> {
  const [deck, cards] = await Promise.all([getDeck(sql, deckId), listExportableCards(sql, deckId)]);
  const apkg = await cardsToApkg(deck.name, cards, { tags: deck.level ? [deck.level] : [], now: options.now });
  return { filename: `${exportFileStem(deck.name)}.apkg`, apkg, cardCount: cards.length };
}
