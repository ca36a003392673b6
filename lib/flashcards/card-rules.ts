// The card rules the server applies to every content it stores — a generated card the runner reported valid (the
// runner may be another machine) and a person's edit alike: lib/llm's card schema with the deck's limit and the
// card's word. The measured lengths are stored with the card, where the CHECK card_content_within_limit holds them.
import { InvalidInputError } from '../kernel/errors';
import { validateCard } from '../llm/validate-card';
import type { CardContent } from './card-content';

export interface CardRulesOfDeck {
  /** The deck's max_chars: the example and its translation must have fewer graphemes (after NFC). */
  maxChars: number;
  /** The card's word, which the example must use. */
  word: string;
}

/** What the card row stores beside the content: the limit it was checked against and the graphemes measured. */
export interface CheckedLengths {
  maxChars: number;
  exampleChars: number;
  translationChars: number;
}

export interface CheckedContent {
  content: CardContent;
  lengths: CheckedLengths;
}

/** A content that breaks the card rules; `fields` name each broken rule. Permanent: sending it again cannot help. */
export class CardRulesError extends InvalidInputError {
  override name = 'CardRulesError';
}

/** The content, normalized (NFC, trimmed) and measured, or CardRulesError naming every broken rule. */
export function checkCardContent(value: unknown, rules: CardRulesOfDeck, what = 'the card'): CheckedContent {
  const check = validateCard(value, { maxChars: rules.maxChars, word: rules.word });
  if (!check.ok) {
    // lib/llm words its messages to the model ("your french_example …"); a person or a runner reads them here.
    const fields = check.problems.map((p) => ({ path: p.field ?? '(body)', message: p.message.replace(/^your /, '') }));
    throw new CardRulesError(`${what} breaks the card rules: ${fields.map((f) => f.message).join('; ')}`, fields);
  }
  const { card, lengths } = check;
  return {
    content: card,
    lengths: { maxChars: rules.maxChars, exampleChars: lengths.french_example!, translationChars: lengths.english_translation! },
  };
}
