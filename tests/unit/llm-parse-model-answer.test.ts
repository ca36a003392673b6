// Getting JSON out of what a model said, and telling a refusal from broken JSON.
import { describe, expect, it } from 'vitest';
import { parseModelAnswer } from '../../lib/llm/parse-model-answer';

const CARD = { french_word: 'chat', french_example: 'Le chat dort.', english_word: 'cat', english_translation: 'The cat sleeps.' };

describe('parseModelAnswer', () => {
  it('parses bare JSON', () => {
    expect(parseModelAnswer(JSON.stringify(CARD), null)).toEqual({ ok: true, value: CARD });
  });

  it('parses JSON in a markdown fence', () => {
    expect(parseModelAnswer('```json\n' + JSON.stringify(CARD) + '\n```', null)).toEqual({ ok: true, value: CARD });
  });

  it('parses JSON with prose around it, braces in strings included', () => {
    const card = { ...CARD, french_example: 'Le chat {sic} dort.' };
    const text = `Sure! Here is the card: ${JSON.stringify(card)} Hope it helps {:}`;
    expect(parseModelAnswer(text, null)).toEqual({ ok: true, value: card });
  });

  it('calls broken JSON invalid_json with the parser error', () => {
    const result = parseModelAnswer('{"french_word": "chat", "french_example": ', null);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.code).toBe('invalid_json');
      expect(result.problem.message).toMatch(/^your reply is not a valid JSON object \(/);
    }
  });

  it('calls an empty reply invalid_json', () => {
    expect(parseModelAnswer('  ', null)).toMatchObject({ ok: false, problem: { code: 'invalid_json', message: 'your reply was empty' } });
    expect(parseModelAnswer(null, null)).toMatchObject({ ok: false, problem: { code: 'invalid_json' } });
  });

  it('recognises an explicit refusal and a prose one, in English or French', () => {
    expect(parseModelAnswer(null, 'I cannot help with that.')).toMatchObject({ ok: false, problem: { code: 'refusal' } });
    expect(parseModelAnswer("I can't help with that request.", null)).toMatchObject({ ok: false, problem: { code: 'refusal' } });
    expect(parseModelAnswer('Désolé, je ne peux pas.', null)).toMatchObject({ ok: false, problem: { code: 'refusal' } });
  });

  it('does not call prose without a refusal opening a refusal', () => {
    expect(parseModelAnswer('Here you go: chat means cat.', null)).toMatchObject({ ok: false, problem: { code: 'invalid_json' } });
  });
});
