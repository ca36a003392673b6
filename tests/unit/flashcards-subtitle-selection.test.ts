import { describe, expect, it } from 'vitest';
import { VOCABULARY_LIMITS } from '../../lib/flashcards/parse-vocabulary';
import { addWordsToVocabulary, listedWordKeys } from '../../lib/flashcards/subtitle-selection';

describe('adding picked subtitle words to the vocabulary', () => {
  it('appends one word per line after the text, without the words already listed (as the parser keys them)', () => {
    const result = addWordsToVocabulary('- Bagnole ; car\n« thune »  \n\n', ['bagnole', 'panne', 'thune', 'heure', 'panne']);
    expect(result).toEqual({ ok: true, text: '- Bagnole ; car\n« thune »\npanne\nheure\n', added: ['panne', 'heure'], alreadyListed: ['bagnole', 'thune'] });
    expect(addWordsToVocabulary('', ['panne'])).toMatchObject({ ok: true, text: 'panne\n' });
    expect(addWordsToVocabulary('panne', ['panne'])).toEqual({ ok: true, text: 'panne', added: [], alreadyListed: ['panne'] });
  });

  it('refuses, saying how many still fit, when the entries would pass the limit', () => {
    const full = Array.from({ length: VOCABULARY_LIMITS.maxEntries - 2 }, (_, i) => `mot${i}`).join('\n');
    expect(addWordsToVocabulary(full, ['bagnole', 'panne'])).toMatchObject({ ok: true });
    expect(addWordsToVocabulary(full, ['bagnole', 'panne', 'thune', 'mot1'])).toMatchObject({
      ok: false,
      reason: 'too_many_entries',
      message: 'Adding 3 words would make 501 entries; the limit is 500. Select at most 2, or start another list.',
      alreadyListed: ['mot1'],
    });
  });

  it('refuses when the text would pass the byte limit', () => {
    const limits = { ...VOCABULARY_LIMITS, maxBytes: 20 };
    expect(addWordsToVocabulary('bagnole\n', ['panne', 'thune'], limits)).toMatchObject({ ok: true, text: 'bagnole\npanne\nthune\n' });
    expect(addWordsToVocabulary('bagnole\n', ['panne', 'thune', 'heure'], limits)).toMatchObject({ ok: false, reason: 'text_too_large', message: expect.stringMatching(/26 bytes; the limit is 20/) });
  });

  it('reads the keys of a text over every limit or with nothing in it', () => {
    expect(listedWordKeys('')).toEqual(new Set());
    expect(listedWordKeys('# only a comment')).toEqual(new Set());
    expect(listedWordKeys(`${'x'.repeat(200)}\nÉté`)).toEqual(new Set(['x'.repeat(200), 'été']));
  });
});
