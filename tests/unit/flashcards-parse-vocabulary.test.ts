import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { InvalidInputError } from '../../lib/kernel/errors';
import {
  cleanWord,
  parseVocabulary,
  VOCABULARY_LIMITS,
  VocabularyError,
  vocabularySchema,
} from '../../lib/flashcards/parse-vocabulary';
import { accentlessKey, charLength, normalizeText, wordKey } from '../../lib/flashcards/word-key';

const words = (text: string): string[] => parseVocabulary(text).entries.map((e) => e.word);

function errorOf(fn: () => unknown): VocabularyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof VocabularyError) return error;
    throw error;
  }
  throw new Error('expected a VocabularyError');
}

describe('word keys', () => {
  it('normalizes to NFC so a decomposed é and a composed é are the same word', () => {
    const decomposed = 'cafe\u0301';
    expect(decomposed).not.toBe('café');
    expect(normalizeText(decomposed)).toBe('café');
    expect(wordKey(decomposed)).toBe(wordKey('CAFÉ'));
    expect(charLength(normalizeText(decomposed))).toBe(4);
  });

  it('keeps accents in the key: ou/où and a/à are different French words', () => {
    expect(wordKey('ou')).not.toBe(wordKey('où'));
    expect(wordKey('a')).not.toBe(wordKey('à'));
    expect(accentlessKey('où')).toBe(accentlessKey('ou'));
  });

  it("unifies typographic apostrophes, no-break spaces and case", () => {
    expect(wordKey('Aujourd’hui')).toBe(wordKey("aujourd'hui"));
    expect(wordKey('ça\u00a0va')).toBe('ça va');
  });
});

describe('parseVocabulary', () => {
  it('reads one word or expression per line, trimming and skipping blank lines', () => {
    expect(words('  le chat  \n\n\tla maison\r\nse débrouiller\r\n   \n')).toEqual(['le chat', 'la maison', 'se débrouiller']);
  });

  it('splits `word ; hint` (and a tab, as a spreadsheet pastes two columns) at the first separator', () => {
    const { entries } = parseVocabulary('avoir le cafard ; être déprimé\nflic\tpolice (argot)\npote ; ami ; copain\nmec ;  ');
    expect(entries.map(({ word, hint }) => ({ word, hint }))).toEqual([
      { word: 'avoir le cafard', hint: 'être déprimé' },
      { word: 'flic', hint: 'police (argot)' },
      { word: 'pote', hint: 'ami ; copain' },
      { word: 'mec', hint: null },
    ]);
  });

  it('strips bullets, numbering, wrapping quotes and trailing punctuation, but not apostrophes or hyphens inside', () => {
    expect(
      words(
        [
          '1. la bagnole',
          '2) le boulot',
          '- bosser',
          '• kiffer',
          '* « ouf »',
          '"chelou"',
          '“relou”.',
          "'meuf'",
          'Ça va ?',
          'aujourd’hui,',
          "jusqu'",
          '-là',
          '(se) débrouiller',
          '(truc)',
          '10 - la thune',
        ].join('\n'),
      ),
    ).toEqual([
      'la bagnole', 'le boulot', 'bosser', 'kiffer', 'ouf', 'chelou', 'relou', 'meuf', 'Ça va', 'aujourd’hui', "jusqu'",
      '-là', '(se) débrouiller', 'truc', 'la thune',
    ]);
  });

  it('cleans nested decoration until nothing changes', () => {
    expect(cleanWord('3. « "la daronne" ».')).toBe('la daronne');
  });

  it('skips comments and decoration-only lines, reporting them with their line numbers', () => {
    const result = parseVocabulary('# Amélie, scène 1\nla fève\n-\n1.\n…\nle nain de jardin');
    expect(result.entries.map((e) => [e.word, e.line])).toEqual([['la fève', 2], ['le nain de jardin', 6]]);
    expect(result.skipped).toEqual([
      { line: 1, text: '# Amélie, scène 1', reason: 'comment' },
      { line: 3, text: '-', reason: 'no_word' },
      { line: 4, text: '1.', reason: 'no_word' },
      { line: 5, text: '…', reason: 'no_word' },
    ]);
  });

  it('drops case-insensitive duplicates, keeps the first and reports the others with the line they repeat', () => {
    const result = parseVocabulary('Le Chat\nchien\nle chat\nLE CHAT ; un animal\n- chien.\nle cha\u0301t');
    expect(result.entries.map((e) => e.word)).toEqual(['Le Chat', 'chien', 'le chát']);
    expect(result.duplicates).toEqual([
      { word: 'le chat', line: 3, firstLine: 1 },
      { word: 'LE CHAT', line: 4, firstLine: 1 },
      { word: 'chien', line: 5, firstLine: 2 },
    ]);
  });

  it('keeps words that differ only by accents and warns about them', () => {
    const result = parseVocabulary('ou\noù\ncafe\ncafé\nthé');
    expect(result.entries.map((e) => e.word)).toEqual(['ou', 'où', 'cafe', 'café', 'thé']);
    expect(result.accentVariants).toEqual([
      { words: ['ou', 'où'], lines: [1, 2] },
      { words: ['cafe', 'café'], lines: [3, 4] },
    ]);
  });

  it('stores NFC words and the same key the card table uses', () => {
    const [entry] = parseVocabulary('E\u0301te\u0301 ; saison').entries;
    expect(entry).toEqual({ word: 'Été', hint: 'saison', key: 'été', line: 1 });
    expect(entry!.word).toBe(entry!.word.normalize('NFC'));
  });

  it('accepts exactly 500 distinct words', () => {
    const text = Array.from({ length: 500 }, (_, i) => `mot${i}`).join('\n');
    expect(parseVocabulary(text).entries).toHaveLength(500);
  });

  it('refuses 501 distinct words naming the limit and the count, instead of truncating', () => {
    const text = Array.from({ length: 501 }, (_, i) => `mot${i}`).join('\n');
    const error = errorOf(() => parseVocabulary(text));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.code).toBe('too_many_entries');
    expect(error.message).toBe(
      'The vocabulary has 501 distinct words or expressions; the limit is 500. Split it into several lists.',
    );
  });

  it('counts distinct words against the limit: 600 lines with 100 repeats pass', () => {
    const text = [...Array.from({ length: 500 }, (_, i) => `mot${i}`), ...Array.from({ length: 100 }, (_, i) => `MOT${i}`)];
    const result = parseVocabulary(text.join('\n'));
    expect(result.entries).toHaveLength(500);
    expect(result.duplicates).toHaveLength(100);
  });

  it('refuses a text over 100 kB before parsing it, in UTF-8 bytes (é is two)', () => {
    const text = 'é'.repeat(50_001); // 100,002 bytes, 50,001 characters.
    const error = errorOf(() => parseVocabulary(text));
    expect(error.code).toBe('text_too_large');
    expect(error.message).toBe(
      'The vocabulary is 100,002 bytes; the limit is 100,000 bytes. Split it into several lists.',
    );
    expect(() => parseVocabulary(`mot\n${'x'.repeat(VOCABULARY_LIMITS.maxBytes - 4)}`)).toThrow(/at most 80/);
  });

  it('refuses a line too long to be a word, naming the line, its length and the limit', () => {
    const sentence = 'Il était une fois une jeune femme qui vivait à Montmartre et qui aimait les petits plaisirs';
    const error = errorOf(() => parseVocabulary(`la fève\n${sentence}\nle nain\n${sentence}!`));
    expect(error.code).toBe('entry_too_long');
    expect(error.message).toBe(
      'Line 2 has 91 characters ("Il était une fois une jeune fe…"); a word or expression may have at most 80. (and 1 more line)',
    );
    expect(error.fields.map((f) => f.path)).toEqual(['vocabulary.line_2', 'vocabulary.line_4']);
  });

  it('refuses an over-long hint', () => {
    const error = errorOf(() => parseVocabulary(`mot ; ${'h'.repeat(201)}`));
    expect(error.message).toBe('The hint on line 1 has 201 characters; a hint may have at most 200.');
  });

  it('refuses a text with no words', () => {
    const error = errorOf(() => parseVocabulary('\n  \n# only a comment\n'));
    expect(error.code).toBe('no_entries');
    expect(error.message).toBe('The vocabulary has no words: write one word or expression per line.');
  });

  it('takes other limits, e.g. a smaller per-run cap', () => {
    expect(() => parseVocabulary('a1\na2\na3', { ...VOCABULARY_LIMITS, maxEntries: 2 })).toThrow(
      'The vocabulary has 3 distinct words or expressions; the limit is 2. Split it into several lists.',
    );
  });
});

describe('vocabularySchema', () => {
  it('parses like parseVocabulary on success', () => {
    expect(vocabularySchema().parse('chat\nchien').entries.map((e) => e.word)).toEqual(['chat', 'chien']);
  });

  it('turns limit errors into zod issues with the same messages (the API answers 400 with them)', () => {
    const result = vocabularySchema({ ...VOCABULARY_LIMITS, maxEntries: 1 }).safeParse('chat\nchien');
    expect(result.success).toBe(false);
    expect(result.error).toBeInstanceOf(ZodError);
    expect(result.error!.issues.map((i) => i.message)).toEqual([
      'The vocabulary has 2 distinct words or expressions; the limit is 1. Split it into several lists.',
    ]);
  });

  it('rejects a non-string', () => {
    expect(vocabularySchema().safeParse(42).success).toBe(false);
  });
});
