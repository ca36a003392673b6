// The paste form's fields as the form sends them (strings), checked with the same limits as the DAG's params.
import { z } from 'zod';
import { DECK_NAME_MAX_CHARS } from '@/lib/flashcards/decks';
import { vocabularySchema } from '@/lib/flashcards/parse-vocabulary';
import { DEFAULT_MAX_CHARS, maxCharsSchema } from '@/lib/llm/card-schema';

const MAX_CHARS_MIN = maxCharsSchema.minValue ?? 5;
const MAX_CHARS_MAX = maxCharsSchema.maxValue ?? 500;

const blankAs = <T>(fallback: T) => (v: unknown) => (typeof v === 'string' && v.trim() === '' ? fallback : v);

export const NewDeckSchema = z.object({
  deck_name: z.string().trim().min(1, 'Name the deck (e.g. the movie).').max(DECK_NAME_MAX_CHARS),
  // The DAG's own parser: its messages, and its limits, in one pass with the other fields.
  vocabulary: vocabularySchema(),
  // The bounds of lib/llm's maxCharsSchema, with messages for a person.
  max_example_chars: z.preprocess(
    blankAs(DEFAULT_MAX_CHARS),
    z.coerce.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').min(MAX_CHARS_MIN, `At least ${MAX_CHARS_MIN}.`).max(MAX_CHARS_MAX, `At most ${MAX_CHARS_MAX}.`),
  ),
  max_reasks: z.preprocess(blankAs(3), z.coerce.number({ error: 'Enter a whole number.' }).int('Enter a whole number.').min(0, 'At least 0.').max(10, 'At most 10.')),
  model: z.string().trim().max(200).optional(),
});

export interface NewDeckState {
  values: Record<string, string>;
  fieldErrors: Record<string, string>;
  formError: string | null;
}
