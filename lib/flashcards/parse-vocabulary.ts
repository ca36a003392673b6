// Pasted vocabulary → the words to make cards for. One word or expression per line, `word ; hint` (or a tab, as a
// spreadsheet pastes two columns), bullets/numbering/quotes/trailing punctuation removed, comments (#) and blank
// lines skipped, duplicates dropped and reported. Over a limit it refuses with a message naming the limit and the
// count — it never truncates. Pure (no Node APIs), so the paste form can run it live in the browser.
import { z } from 'zod';
import { InvalidInputError } from '../kernel/errors';
import { accentlessKey, charLength, normalizeText, wordKey } from './word-key';

export const VOCABULARY_LIMITS = {
  /** Distinct words per list (one LLM call or more each). */
  maxEntries: 500,
  /** UTF-8 bytes of the pasted text: 100 kB. */
  maxBytes: 100_000,
  /** Characters of one word or expression: longer is a sentence pasted by mistake. */
  maxWordChars: 80,
  maxHintChars: 200,
} as const;

export type VocabularyLimits = { [K in keyof typeof VOCABULARY_LIMITS]: number };

export const VocabularyEntrySchema = z.object({
  word: z.string().min(1),
  hint: z.string().min(1).nullable(),
  /** wordKey(word): what `card.word_key` stores. */
  key: z.string().min(1),
  /** 1-based line in the pasted text. */
  line: z.number().int().positive(),
});
export type VocabularyEntry = z.infer<typeof VocabularyEntrySchema>;

export const ParsedVocabularySchema = z.object({
  entries: z.array(VocabularyEntrySchema),
  /** Lines whose word was already listed (same wordKey); the first one is kept. */
  duplicates: z.array(z.object({ word: z.string(), line: z.number(), firstLine: z.number() })),
  /** Non-blank lines that hold no word: comments, or a bullet/number/punctuation alone. */
  skipped: z.array(z.object({ line: z.number(), text: z.string(), reason: z.enum(['comment', 'no_word']) })),
  /** Kept words that differ only by accents ("cafe", "café"): both kept, since accents make French words. */
  accentVariants: z.array(z.object({ words: z.array(z.string()), lines: z.array(z.number()) })),
});
export type ParsedVocabulary = z.infer<typeof ParsedVocabularySchema>;

export type VocabularyErrorCode = 'text_too_large' | 'too_many_entries' | 'no_entries' | 'entry_too_long';

/** A 400 for the API (InvalidInputError), with a code for the form and the DAG. */
export class VocabularyError extends InvalidInputError {
  override name = 'VocabularyError';
  constructor(
    readonly code: VocabularyErrorCode,
    message: string,
    fields: Array<{ path: string; message: string }> = [{ path: 'vocabulary', message }],
  ) {
    super(message, fields);
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

export function parseVocabulary(text: string, limits: VocabularyLimits = VOCABULARY_LIMITS): ParsedVocabulary {
  // Size first, before any work on a text that may be megabytes long.
  const bytes = utf8Length(text);
  if (bytes > limits.maxBytes) {
    throw new VocabularyError(
      'text_too_large',
      `The vocabulary is ${fmt(bytes)} bytes; the limit is ${fmt(limits.maxBytes)} bytes. Split it into several lists.`,
    );
  }

  const entries: VocabularyEntry[] = [];
  const duplicates: ParsedVocabulary['duplicates'] = [];
  const skipped: ParsedVocabulary['skipped'] = [];
  const tooLong: Array<{ path: string; message: string }> = [];
  const firstByKey = new Map<string, VocabularyEntry>();

  text.split(/\r\n|\r|\n/).forEach((rawLine, index) => {
    const line = index + 1;
    const trimmed = normalizeText(rawLine);
    if (trimmed === '') return;
    if (trimmed.startsWith('#')) {
      skipped.push({ line, text: trimmed, reason: 'comment' });
      return;
    }
    // Split the raw line: normalizing first would turn a separating tab into a space (indentation is not one).
    const [wordPart, hintPart] = splitHint(rawLine.trim());
    const word = cleanWord(wordPart);
    if (word === '') {
      skipped.push({ line, text: trimmed, reason: 'no_word' });
      return;
    }
    const hint = hintPart === null ? null : normalizeText(hintPart) || null;
    if (charLength(word) > limits.maxWordChars) {
      tooLong.push({
        path: `vocabulary.line_${line}`,
        message: `Line ${line} has ${fmt(charLength(word))} characters ("${preview(word)}"); a word or expression may have at most ${fmt(limits.maxWordChars)}.`,
      });
      return;
    }
    if (hint !== null && charLength(hint) > limits.maxHintChars) {
      tooLong.push({
        path: `vocabulary.line_${line}`,
        message: `The hint on line ${line} has ${fmt(charLength(hint))} characters; a hint may have at most ${fmt(limits.maxHintChars)}.`,
      });
      return;
    }
    const key = wordKey(word);
    const first = firstByKey.get(key);
    if (first) {
      duplicates.push({ word, line, firstLine: first.line });
      return;
    }
    const entry = { word, hint, key, line };
    firstByKey.set(key, entry);
    entries.push(entry);
  });

  if (tooLong.length > 0) {
    const more = tooLong.length > 1 ? ` (and ${tooLong.length - 1} more line${tooLong.length > 2 ? 's' : ''})` : '';
    throw new VocabularyError('entry_too_long', `${tooLong[0]!.message}${more}`, tooLong);
  }
  if (entries.length > limits.maxEntries) {
    throw new VocabularyError(
      'too_many_entries',
      `The vocabulary has ${fmt(entries.length)} distinct words or expressions; the limit is ${fmt(limits.maxEntries)}. ` +
        'Split it into several lists.',
    );
  }
  if (entries.length === 0) {
    throw new VocabularyError('no_entries', 'The vocabulary has no words: write one word or expression per line.');
  }
  return { entries, duplicates, skipped, accentVariants: findAccentVariants(entries) };
}

/**
 * The same rules as a zod schema, for the form, the API body and the DAG param: issues carry parseVocabulary's
 * messages, and the output is the parsed vocabulary.
 */
export function vocabularySchema(limits: VocabularyLimits = VOCABULARY_LIMITS) {
  return z.string().transform((text, ctx): ParsedVocabulary => {
    try {
      return parseVocabulary(text, limits);
    } catch (error) {
      if (!(error instanceof VocabularyError)) throw error;
      for (const field of error.fields) ctx.addIssue({ code: 'custom', message: field.message, params: { code: error.code } });
      return z.NEVER;
    }
  });
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function preview(word: string): string {
  const chars = [...word];
  return chars.length > 30 ? `${chars.slice(0, 30).join('')}…` : word;
}

/** `word ; hint` or `word<TAB>hint`, split at the first separator. */
function splitHint(line: string): [string, string | null] {
  const at = line.search(/[;\t]/);
  return at < 0 ? [line, null] : [line.slice(0, at), line.slice(at + 1)];
}

const BULLET = /^(?:[-–—*•·▪‣◦>]+\s+|\(?\d{1,4}[.)]\s+|\d{1,4}\s*[-–—:]\s+)/u;
const WRAPPERS: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'], ['«', '»'], ['“', '”'], ['„', '“'], ['‹', '›'], ["'", "'"], ['‘', '’'], ['(', ')'], ['[', ']'],
];
// Never part of a word at its edges: double quotes of every style, and sentence punctuation.
const EDGE_QUOTES = /^["«»“”„‟‹›]+|["«»“”„‟‹›]+$/gu;
const EDGE_PUNCTUATION = /^[.,;:!?…]+|[.,;:!?…]+$/gu;

/**
 * Removes list decoration around a word until nothing changes; '' when no letter is left. Apostrophes, hyphens and parentheses stay unless they
 * wrap the whole entry, so "aujourd'hui", "jusqu'", "-là" and "(se) débrouiller" survive.
 */
export function cleanWord(raw: string): string {
  let word = normalizeText(raw);
  for (;;) {
    const before = word;
    word = word.replace(BULLET, '');
    for (const [open, close] of WRAPPERS) {
      if (word.length >= 2 && word.startsWith(open) && word.endsWith(close) && !word.slice(1, -1).includes(close)) {
        word = word.slice(open.length, -close.length);
      }
    }
    word = normalizeText(word.replace(EDGE_QUOTES, '').replace(EDGE_PUNCTUATION, ''));
    // No letter at all ("-", "1.", "…", "42"): decoration or a stray number, not a word.
    if (!/\p{L}/u.test(word)) return '';
    if (word === before) return word;
  }
}

function findAccentVariants(entries: VocabularyEntry[]): ParsedVocabulary['accentVariants'] {
  const groups = new Map<string, VocabularyEntry[]>();
  for (const entry of entries) {
    const key = accentlessKey(entry.word);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) => ({ words: group.map((e) => e.word), lines: group.map((e) => e.line) }));
}
