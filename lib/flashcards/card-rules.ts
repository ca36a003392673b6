// The card rules the server applies to every content it stores — a generated card the runner reported valid (the
// runner may be another machine) and a person's edit alike: lib/llm's card schema with a limit (a person's edit: the
// deck's; a generated card: the one its run generated under, cards.ts runCardRules) and the card's word. The measured
// lengths are stored with the card, where the CHECK card_content_within_limit holds them.
import { InvalidInputError } from '../kernel/errors';
import type { ReasonCode } from '../llm/reason-codes';
import { validateCard } from '../llm/validate-card';
import type { CardContent } from './card-content';

export interface CardRulesOfDeck {
  /** The limit (the deck's, or the run's for a generated card): the example and its translation have fewer graphemes (NFC). */
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
  constructor(
    message: string,
    fields: Array<{ path: string; message: string }>,
    /** lib/llm's codes of the broken rules, to record a refused answer with; empty when only the CHECK judged it. */
    readonly reasonCodes: readonly ReasonCode[] = [],
  ) {
    super(message, fields);
  }
}

/** The content, normalized (NFC, trimmed) and measured, or CardRulesError naming every broken rule. */
export function checkCardContent(value: unknown, rules: CardRulesOfDeck, what = 'the card'): CheckedContent {
  const check = validateCard(value, { maxChars: rules.maxChars, word: rules.word });
  if (!check.ok) {
    // lib/llm words its messages to the model ("your french_example …"); a person or a runner reads them here.
    const fields = check.problems.map((p) => ({ path: p.field ?? '(body)', message: p.message.replace(/^your /, '') }));
    throw new CardRulesError(
      `${what} breaks the card rules: ${fields.map((f) => f.message).join('; ')}`,
      fields,
      check.problems.map((p) => p.code),
    );
  }
  const { card, lengths } = check;
  return {
    content: card,
    lengths: { maxChars: rules.maxChars, exampleChars: lengths.french_example!, translationChars: lengths.english_translation! },
  };
}
