// The wire shapes the deck page's client components receive (the REST API's, so polling and first render agree).
import type { z } from 'zod';
import type { Card, DeckProgress } from '../../../lib/api/contracts/flashcards';

export type ProgressData = z.input<typeof DeckProgress>;
export type CardData = z.input<typeof Card>;
