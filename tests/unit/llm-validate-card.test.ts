// Card validation without any LLM: grapheme counting at the limit, reason codes, the word-fits pre-check and the
// wire JSON schema derived from the shared zod schema.
import { describe, expect, it } from 'vitest';
import { cardJsonSchema, cardSchema, cardSchemaFor } from '../../lib/llm/card-schema';
import { graphemeLength } from '../../lib/llm/grapheme-length';
import { checkWordFits, reasonCodes, validateCard } from '../../lib/llm/validate-card';

const card = (overrides: Record<string, unknown> = {}) => ({
  french_word: 'café',
  french_example: 'Le café est prêt.',
  english_word: 'coffee',
  english_translation: 'Coffee is ready.',
  ...overrides,
});

// 19, 20 and 21 user-perceived characters, three of them accented.
const EXAMPLE_19 = 'Le café était léger';
const EXAMPLE_20 = 'Le café était léger.';
const EXAMPLE_21 = 'Le café était léger !';

describe('graphemeLength', () => {
  it('counts an accented letter once whether composed or decomposed', () => {
    const composed = 'café'.normalize('NFC');
    const decomposed = 'café'.normalize('NFD');
    expect(decomposed.length).toBe(5);
    expect(graphemeLength(composed)).toBe(4);
    expect(graphemeLength(decomposed)).toBe(4);
  });

  it('counts œ as one character', () => {
    expect(graphemeLength('Un œuf')).toBe(6);
  });

  // Each case has a grapheme count that differs from its code points or UTF-16 units (or from NFKC's), so
  // `normalize('NFC').length` or a code point count would fail it.
  const cases: Array<[string, string, { graphemes: number; codePoints: number; utf16: number }]> = [
    ['a woman technologist with a skin tone (ZWJ sequence)', '👩🏽‍💻', { graphemes: 1, codePoints: 4, utf16: 7 }],
    ['a flag (two regional indicators)', '🇫🇷', { graphemes: 1, codePoints: 2, utf16: 4 }],
    ['e + combining acute (NFD)', 'e\u0301', { graphemes: 1, codePoints: 2, utf16: 2 }],
    ['q + combining acute, which has no composed form', 'q\u0301', { graphemes: 1, codePoints: 2, utf16: 2 }],
    ['the fi ligature, which NFKC would split in two', 'ﬁ', { graphemes: 1, codePoints: 1, utf16: 1 }],
    ['a sentence mixing all of them', 'Le café 👩🏽‍💻 et 🇫🇷 ﬁn', { graphemes: 17, codePoints: 21, utf16: 26 }],
  ];
  for (const [name, text, counts] of cases) {
    it(`counts ${name} as ${counts.graphemes} user-perceived character(s)`, () => {
      expect({ graphemes: graphemeLength(text), codePoints: [...text].length, utf16: text.length }).toEqual(counts);
      expect(graphemeLength(text.normalize('NFD'))).toBe(counts.graphemes);
    });
  }

  it('measures the boundary examples as 19, 20 and 21', () => {
    expect([EXAMPLE_19, EXAMPLE_20, EXAMPLE_21].map(graphemeLength)).toEqual([19, 20, 21]);
  });
});

describe('validateCard at the length limit', () => {
  for (const form of ['NFC', 'NFD'] as const) {
    it(`accepts a ${form} example of 19 characters when the limit is 20`, () => {
      const result = validateCard(card({ french_example: EXAMPLE_19.normalize(form) }), { word: 'café', maxChars: 20 });
      expect(result.ok).toBe(true);
      expect(result.lengths.french_example).toBe(19);
      // The stored text is NFC, whatever the model sent.
      if (result.ok) expect(result.card.french_example).toBe(EXAMPLE_19.normalize('NFC'));
    });

    for (const [example, length] of [[EXAMPLE_20, 20], [EXAMPLE_21, 21]] as const) {
      it(`rejects a ${form} example of ${length} characters as example_too_long with its length`, () => {
        const result = validateCard(card({ french_example: example.normalize(form) }), { word: 'café', maxChars: 20 });
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.problems).toEqual([
          {
            code: 'example_too_long',
            field: 'french_example',
            length,
            limit: 20,
            message: `your french_example '${example}' has ${length} characters; it must have fewer than 20`,
          },
        ]);
        expect(result.lengths.french_example).toBe(length);
      });
    }
  }

  it('applies the same limit to english_translation as translation_too_long', () => {
    const ok = validateCard(card({ english_translation: 'x'.repeat(19) }), { word: 'café', maxChars: 20 });
    const tooLong = validateCard(card({ english_translation: 'The coffee was light.' }), { word: 'café', maxChars: 20 });
    expect(ok.ok).toBe(true);
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(reasonCodes(tooLong.problems)).toEqual(['translation_too_long']);
    expect(tooLong.lengths.english_translation).toBe(21);
  });

  it('honours a per-run limit', () => {
    expect(validateCard(card(), { word: 'café', maxChars: 17 }).ok).toBe(false);
    expect(validateCard(card({ english_translation: 'Coffee is ready.' }), { word: 'café', maxChars: 18 }).ok).toBe(true);
  });
});

describe('validateCard reason codes', () => {
  const rules = { word: 'café', maxChars: 20 };

  it('reports every broken rule at once', () => {
    const result = validateCard(
      card({ french_example: 'Le thé est très bon ici.', english_word: '  ', english_translation: 'The tea\nis good.' }),
      rules,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(reasonCodes(result.problems).sort()).toEqual(
        ['empty_field', 'example_too_long', 'newline_in_field', 'word_missing_from_example'].sort(),
      );
    }
  });

  it('calls a missing field or a wrong type schema_mismatch and names the field', () => {
    const missing = validateCard({ french_word: 'café', french_example: 'Un café.', english_word: 'coffee' }, rules);
    const wrongType = validateCard(card({ english_word: 42 }), rules);
    expect(missing.ok || missing.problems).toEqual([
      { code: 'schema_mismatch', field: 'english_translation', message: 'your reply has no english_translation' },
    ]);
    expect(wrongType.ok || wrongType.problems[0]?.message).toBe('your english_word must be a string, not a number');
  });

  it('calls a reply that is not an object schema_mismatch', () => {
    const result = validateCard([card()], rules);
    expect(result.ok || reasonCodes(result.problems)).toEqual(['schema_mismatch']);
  });

  it('ignores extra keys and trims surrounding spaces', () => {
    const result = validateCard(card({ note: 'extra', french_example: '  Un café, merci.  ' }), rules);
    expect(result.ok && result.card).toEqual(card({ french_example: 'Un café, merci.' }));
  });
});

describe('validateCard counts graphemes, not code points or UTF-16 units', () => {
  // 19 graphemes in 23 code points and 28 UTF-16 units; one more '!' makes 20.
  const emojiExample = 'Le café 👩🏽‍💻 et 🇫🇷 ﬁn!!';

  it('accepts an example of 19 graphemes that is longer in code points and UTF-16 units', () => {
    expect([[...emojiExample].length, emojiExample.length]).toEqual([23, 28]);
    const result = validateCard(card({ french_example: emojiExample }), { word: 'café', maxChars: 20 });
    expect(result.ok).toBe(true);
    expect(result.lengths.french_example).toBe(19);
  });

  it('rejects the same example at 20 graphemes', () => {
    const result = validateCard(card({ french_example: `${emojiExample}!` }), { word: 'café', maxChars: 20 });
    expect(result.ok || result.problems.map((p) => [p.code, p.length])).toEqual([['example_too_long', 20]]);
  });
});

describe('checkWordFits', () => {
  it('rejects a word that alone reaches the limit, counted in graphemes', () => {
    expect(checkWordFits('a'.repeat(19), 20)).toBeNull();
    expect(checkWordFits('é'.normalize('NFD').repeat(19), 20)).toBeNull();
    expect(checkWordFits('prendre son courage à deux mains', 20)).toMatchObject({ code: 'word_too_long', length: 32, limit: 20 });
    expect(checkWordFits('a'.repeat(20), 20)?.code).toBe('word_too_long');
  });
});

describe('the shared schema', () => {
  it('parses a stored card with the base schema and enforces run rules with cardSchemaFor', () => {
    expect(cardSchema.safeParse(card({ french_example: 'x'.repeat(40) })).success).toBe(true);
    expect(cardSchemaFor({ maxChars: 20 }).safeParse(card({ french_example: 'x'.repeat(40) })).success).toBe(false);
  });

  it('derives a strict, portable JSON schema, with length patterns only when asked', () => {
    const plain = cardJsonSchema({ maxChars: 20, constrainLength: false });
    expect(plain).toMatchObject({
      type: 'object',
      required: ['french_word', 'french_example', 'english_word', 'english_translation'],
      additionalProperties: false,
    });
    expect(JSON.stringify(plain)).not.toMatch(/minLength|pattern/);
    const constrained = cardJsonSchema({ maxChars: 20, constrainLength: true }) as {
      properties: Record<string, { pattern?: string }>;
    };
    expect(constrained.properties.french_example?.pattern).toBe('^[^\\r\\n]{1,19}$');
    expect(constrained.properties.english_translation?.pattern).toBe('^[^\\r\\n]{1,19}$');
    expect(constrained.properties.french_word?.pattern).toBeUndefined();
  });
});
