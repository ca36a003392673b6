// The versioned card prompt. The version is a short hash of the template text, stored with every attempt, so
// the dashboard can compare prompt versions and the regeneration DAG can find cards made by an older one.
import { createHash } from 'node:crypto';
import type { ChatMessage } from './llm-client-port';
import type { CardProblem } from './reason-codes';

export const CARD_PROMPT_TEMPLATE = {
  system: `You write French-English vocabulary flashcards for English speakers who learn French from films.
You receive one French word or expression, possibly followed by " ; " and a hint about the meaning intended.
Reply with ONE JSON object and nothing else (no prose, no markdown), with exactly these keys:
{"french_word": "...", "french_example": "...", "english_word": "...", "english_translation": "..."}
- french_word: the word or expression as given, without the hint.
- french_example: a short, natural sentence of everyday spoken French that uses the word (an inflected form is fine).
- english_word: the English equivalent of the word in this sense.
- english_translation: the English translation of french_example.
Rules:
- french_example and english_translation must each have FEWER than {{max_chars}} characters, that is at most {{max_chars_minus_one}}, counting letters, spaces and punctuation.
- Everyday register: words people say, no rare names, no quotation marks.
- Every value is one line of plain text.
- If a hint is given, use the word in the sense it describes.`,
  user: `{{entry}}`,
  reask: `Your previous answer broke these rules:
{{problems}}
Reply again with the corrected JSON object only. french_example and english_translation must each have fewer than {{max_chars}} characters, and french_example must use '{{word}}'.`,
} as const;

export const PROMPT_VERSION = createHash('sha256')
  .update(JSON.stringify(CARD_PROMPT_TEMPLATE))
  .digest('hex')
  .slice(0, 12);

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** The vocabulary line as the user wrote it: `word` or `word ; hint`. */
export function vocabularyEntry(word: string, hint: string | null): string {
  return hint ? `${word} ; ${hint}` : word;
}

export function buildCardMessages(word: string, hint: string | null, maxChars: number): ChatMessage[] {
  const values = { max_chars: maxChars, max_chars_minus_one: maxChars - 1, entry: vocabularyEntry(word, hint) };
  return [
    { role: 'system', content: fill(CARD_PROMPT_TEMPLATE.system, values) },
    { role: 'user', content: fill(CARD_PROMPT_TEMPLATE.user, values) },
  ];
}

/** The user message of a re-ask: one line per broken rule, then the rules that matter most again. */
export function buildReaskFeedback(problems: readonly CardProblem[], rules: { word: string; maxChars: number }): string {
  return fill(CARD_PROMPT_TEMPLATE.reask, {
    problems: problems.map((p) => `- ${p.message}`).join('\n'),
    max_chars: rules.maxChars,
    word: rules.word,
  });
}

/**
 * The conversation for a re-ask: the first request, the previous answer and precise feedback. Only the latest
 * answer is kept, so a re-ask costs the same tokens whatever its number.
 */
export function buildReaskMessages(
  firstMessages: readonly ChatMessage[],
  previousAnswer: string,
  problems: readonly CardProblem[],
  rules: { word: string; maxChars: number },
): ChatMessage[] {
  return [
    ...firstMessages,
    { role: 'assistant', content: previousAnswer },
    { role: 'user', content: buildReaskFeedback(problems, rules) },
  ];
}
