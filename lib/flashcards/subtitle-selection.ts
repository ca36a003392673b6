// Picked subtitle words → the vocabulary box's new text: one word per line after what is already there, words the
// box already holds (by the parser's own wordKey) left out, and refused with a message — never cut — when the result
// would break the vocabulary limits the form and the DAG enforce.
import { parseVocabulary, VOCABULARY_LIMITS, VocabularyError, type VocabularyLimits } from './parse-vocabulary';
import { wordKey } from './word-key';

const UNLIMITED: VocabularyLimits = { maxEntries: Infinity, maxBytes: Infinity, maxWordChars: Infinity, maxHintChars: Infinity };

export type VocabularyAddition =
  | { ok: true; text: string; added: string[]; alreadyListed: string[] }
  | { ok: false; reason: 'too_many_entries' | 'text_too_large'; message: string; added: string[]; alreadyListed: string[] };

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The wordKeys the vocabulary text already lists, whatever its size (limits are checked on the result). */
export function listedWordKeys(text: string): Set<string> {
  try {
    return new Set(parseVocabulary(text, UNLIMITED).entries.map((e) => e.key));
  } catch (err) {
    if (err instanceof VocabularyError && err.code === 'no_entries') return new Set();
    throw err;
  }
}

export function addWordsToVocabulary(text: string, words: readonly string[], limits: VocabularyLimits = VOCABULARY_LIMITS): VocabularyAddition {
  const listed = listedWordKeys(text);
  const added: string[] = [];
  const alreadyListed: string[] = [];
  const picked = new Set<string>();
  for (const word of words) {
    const key = wordKey(word);
    if (picked.has(key)) continue;
    picked.add(key);
    if (listed.has(key)) alreadyListed.push(word);
    else {
      listed.add(key);
      added.push(word);
    }
  }
  if (added.length === 0) return { ok: true, text, added, alreadyListed };
  const entries = listed.size;
  if (entries > limits.maxEntries) {
    const room = Math.max(0, limits.maxEntries - (entries - added.length));
    return {
      ok: false,
      reason: 'too_many_entries',
      message:
        `Adding ${fmt(added.length)} word${added.length === 1 ? "" : "s"} would make ${fmt(entries)} entries; the limit is ${fmt(limits.maxEntries)}. ` +
        (room > 0 ? `Select at most ${fmt(room)}, or start another list.` : 'The list is full: start another list.'),
      added,
      alreadyListed,
    };
  }
  const kept = text.replace(/\s+$/u, '');
  const next = `${kept}${kept ? '\n' : ''}${added.join('\n')}\n`;
  const bytes = new TextEncoder().encode(next).length;
  if (bytes > limits.maxBytes) {
    return {
      ok: false,
      reason: 'text_too_large',
      message: `Adding them would make the vocabulary ${fmt(bytes)} bytes; the limit is ${fmt(limits.maxBytes)}. Select fewer words, or start another list.`,
      added,
      alreadyListed,
    };
  }
  return { ok: true, text: next, added, alreadyListed };
}
