// Text normalization shared by the vocabulary parser, the card store and deck names: one definition of "the same
// word", so a word the parser calls a duplicate is exactly a word the `card (deck_id, word_key)` unique key refuses.

const SPACES = /[\s\u00a0\u2007\u202f\u2060\ufeff]+/gu; // French typography puts (narrow) no-break spaces before ?!:;
const APOSTROPHES = /[\u2019\u2018\u02bc\u2032\u00b4`]/gu;
const HYPHENS = /[\u2010\u2011]/gu;

/** NFC, whitespace of every kind collapsed to one space, trimmed. What is stored as "the word as entered". */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(SPACES, ' ').trim();
}

/**
 * The dedupe key: normalized, lower case, typographic apostrophes and hyphens unified.
 * Accents are KEPT: French tells words apart by them (ou/où, a/à, du/dû, sur/sûr, pécheur/pêcheur), so merging
 * them would drop a real word. Words that differ only by accents are reported as warnings instead (accentlessKey).
 */
export function wordKey(text: string): string {
  return normalizeText(text).toLowerCase().replace(APOSTROPHES, "'").replace(HYPHENS, '-');
}

/** wordKey without diacritics: only for spotting likely typos ("cafe" next to "café"), never as an identity. */
export function accentlessKey(text: string): string {
  return wordKey(text).normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
}

/** Length in code points after NFC ("é" counts 1, as a reader would count it). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
