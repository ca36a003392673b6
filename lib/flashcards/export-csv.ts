// CSV export of a deck (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote, CR or LF quoted and
// inner quotes doubled). UTF-8; a BOM on request, because Excel needs one to read accents right.
import type { SqlClient } from '../store/database';
import type { Card } from './card-row';
import { getDeck } from './decks';
import { listExportableCards } from './cards';

export const CSV_COLUMNS = [
  'front', 'back', 'french_word', 'french_example', 'english_word', 'english_translation', 'word', 'hint',
] as const;

export interface CsvOptions {
  /** Start with U+FEFF so Excel opens the file as UTF-8. Default false (most tools, Anki included, do not need it). */
  bom?: boolean;
  /**
   * Prefix a field starting with = + - @ (or a tab/CR) with ' so a spreadsheet shows it as text instead of running it
   * as a formula (CSV injection). On by default: the cards hold pasted and model-written text, and a CSV download is
   * as likely to be opened in a spreadsheet as imported into Anki. `false` gives the raw text (`-ci` stays `-ci`).
   */
  spreadsheetSafe?: boolean;
}

/** front = French word and example on two lines; back = English word and translation on two lines. */
export function cardFaces(card: Card): { front: string; back: string } {
  const c = card.content;
  if (!c) return { front: card.word, back: '' };
  return { front: `${c.french_word}\n${c.french_example}`, back: `${c.english_word}\n${c.english_translation}` };
}

export function csvField(value: string, options: CsvOptions = {}): string {
  const text = (options.spreadsheetSafe ?? true) && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function cardsToCsv(cards: readonly Card[], options: CsvOptions = {}): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const card of cards) {
    const { front, back } = cardFaces(card);
    const c = card.content;
    const values = [
      front, back, c?.french_word ?? '', c?.french_example ?? '', c?.english_word ?? '', c?.english_translation ?? '',
      card.word, card.hint ?? '',
    ];
    lines.push(values.map((value) => csvField(value, options)).join(','));
  }
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/** The deck's exportable cards as CSV, and a file name for Content-Disposition. */
export async function exportDeckCsv(
  sql: SqlClient,
  deckId: number,
  options: CsvOptions = {},
): Promise<{ filename: string; csv: string; cardCount: number }> {
  const [deck, cards] = await Promise.all([getDeck(sql, deckId), listExportableCards(sql, deckId)]);
  return { filename: `${exportFileStem(deck.name)}.csv`, csv: cardsToCsv(cards, options), cardCount: cards.length };
}

/** A file name from a deck name: accents kept (UTF-8 file names are fine), path and control characters replaced. */
export function exportFileStem(deckName: string): string {
  const stem = deckName.replace(/[\\/:*?"<>|\p{Cc}]+/gu, '_').replace(/\s+/g, ' ').trim().slice(0, 100);
  return stem || 'deck';
}
