// What the recording side accepts of an attempt (lib/llm/attempt-integrity.ts, applied by llmAttemptSchema): lengths
// in graphemes after NFC, not code points or UTF-16 units; general LLM tasks (max_chars 0) have no card rules; an
// outcome follows from what the attempt carries.
import { describe, expect, it } from 'vitest';
import { attemptOutcome, attemptProblems } from '../../lib/llm/attempt-integrity';
import { llmAttemptSchema, type LlmAttempt } from '../../lib/llm/attempt-recorder';
import { graphemeLength } from '../../lib/llm/grapheme-length';

function validCard(word: string, example: string, translation = 'The coffee.'): LlmAttempt {
  const card = { french_word: word, french_example: example, english_word: 'coffee', english_translation: translation };
  return {
    word, hint: null, attempt: 1, model: 'm', provider: 'p', promptVersion: 'v', strategy: 'json_schema', requestMessages: [],
    rawResponse: JSON.stringify(card), parsed: card, valid: true, reasonCodes: [], problems: [],
    exampleLength: graphemeLength(example.trim()), translationLength: graphemeLength(translation), maxChars: 20,
    latencyMs: 10, promptTokens: 1, completionTokens: 1, requests: 1, finishReason: 'stop', error: null, createdAt: '2026-01-01T00:00:00Z',
  };
}

describe('attemptProblems', () => {
  it('counts graphemes: a decomposed accent, a ZWJ family with skin tones, a flag and a ligature fit where code points would not', () => {
    // 15 graphemes; more than 20 code points and UTF-16 units.
    const example = 'Un cafe\u0301 👩🏽‍👩🏽‍👧🏽 🇫🇷 ﬁn.';
    expect(graphemeLength(example)).toBe(15);
    expect([...example.normalize('NFC')].length).toBeGreaterThan(20);
    expect(attemptProblems(validCard('café', example))).toEqual([]);
    expect(llmAttemptSchema.safeParse(validCard('café', example)).success).toBe(true);
  });

  it('refuses a valid card over the limit, naming the rule, and one whose claimed length is not the measured one', () => {
    const long = 'Un café noir et chaud';
    expect(graphemeLength(long)).toBe(21);
    expect(attemptProblems(validCard('café', long))).toEqual([
      expect.stringMatching(/marked valid but breaks the card rules \(example_too_long\): french_example 'Un café noir et chaud' has 21 characters; it must have fewer than 20/),
    ]);
    const decomposed = validCard('café', 'Un cafe\u0301.');
    expect(attemptProblems({ ...decomposed, exampleLength: decomposed.exampleLength! + 1 })).toEqual([
      "example_length says 9 but the answer's text has 8 characters (graphemes after NFC)",
    ]);
  });

  it('has no card rules for a general LLM task (max_chars 0), only the outcome rules', () => {
    const answer = { ...validCard('cv', 'x'), maxChars: 0, parsed: { name: 'Ada' }, exampleLength: null, translationLength: null };
    expect(attemptProblems(answer)).toEqual([]);
    expect(attemptProblems({ ...answer, reasonCodes: ['validation_failed'] })).toEqual(['a valid attempt has no reason codes, got [validation_failed]']);
  });

  it('keeps provider errors and invalid answers apart', () => {
    const base = validCard('café', 'Un café.');
    const outage = { ...base, valid: false, rawResponse: null, parsed: null, reasonCodes: ['timeout' as const], error: 'no answer within 5000 ms' };
    expect(attemptProblems(outage)).toEqual([]);
    expect(attemptOutcome(outage)).toBe('provider_error');
    expect(attemptProblems({ ...outage, reasonCodes: ['timeout', 'refusal'] })).toEqual([
      expect.stringMatching(/needs transport reason codes .* got \[timeout, refusal\]/),
    ]);
    const refused = { ...base, valid: false, reasonCodes: ['example_too_long' as const] };
    expect(attemptProblems(refused)).toEqual([]);
    expect(attemptOutcome(refused)).toBe('invalid');
    expect(attemptProblems({ ...refused, reasonCodes: [] })).toEqual(['an invalid answer needs the reason codes of the rules it broke']);
    expect(attemptProblems({ ...refused, reasonCodes: ['rate_limited'] })).toEqual([
      'an answered attempt cannot carry transport reason codes (rate_limited): give its error',
      'an invalid answer needs the reason codes of the rules it broke',
    ]);
    expect(attemptOutcome(base)).toBe('valid');
  });
});
