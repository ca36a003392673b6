// The wire shapes the deck page's client components receive (the REST API's, so polling and first render agree).
import type { z } from 'zod';
import type { Card, DeckProgress } from '@/lib/api/contracts/flashcards';

export type ProgressData = z.input<typeof DeckProgress>;
export type CardData = z.input<typeof Card>;

const VIEW_FIELDS = [
  'card_id', 'word', 'status', 'flagged', 'flag_reason', 'edited_at', 'french_word', 'french_example', 'english_word',
  'english_translation', 'example_length', 'translation_length', 'max_chars', 'failure_reasons', 'version',
] as const;

/** What the card list shows: a 500-card deck's page carries these twice (HTML and the props), not all 32 fields. */
export type CardView = Pick<CardData, (typeof VIEW_FIELDS)[number]>;

export function cardView(card: CardData): CardView {
  return Object.fromEntries(VIEW_FIELDS.map((f) => [f, card[f]])) as CardView;
}
