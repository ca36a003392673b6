// Flashflow's own resources beside Airflow's: decks, their cards, a run's live progress per word, exports, card
// edits (checked by lib/llm's strict card schema) and FSRS reviews. snake_case fields and limit/offset paging with
// total_entries, like the rest of /api/v1.
import { z } from 'zod';
import { endpoint } from '../contract';
import { collection, DateTime, NullableDateTime, Paging, PathInt, QueryBool } from './common';

export const CardCounts = z
  .object({
    total: z.number().int(),
    valid: z.number().int(),
    pending: z.number().int(),
    failed: z.number().int(),
    flagged: z.number().int(),
    due_now: z.number().int(),
  })
  .meta({ id: 'CardCounts' });

export const Deck = z
  .object({
    deck_id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    level: z.string().nullable(),
    max_chars: z.number().int().meta({
      description: "Its cards' examples and translations have fewer characters than this (set by the run that generates them; the weekly regeneration uses it).",
    }),
    created_at: DateTime,
    updated_at: DateTime,
    card_counts: CardCounts,
  })
  .meta({ id: 'Deck' });

export const DeckCollection = collection('decks', Deck, 'DeckCollection');

export const DeckInput = z
  .strictObject({
    name: z.string().min(1).max(200).meta({ description: 'The deck name, e.g. the movie. Unique case-insensitively.' }),
    description: z.string().max(2000).nullable().optional(),
    level: z.string().max(50).nullable().optional(),
  })
  .meta({ id: 'DeckInput' });

const FailureReason = z
  .object({
    code: z.string(),
    message: z.string().optional(),
    limit: z.number().int().optional().meta({ description: "word_too_long: the limit the word did not fit (the regeneration retries it under a higher one)." }),
  })
  .meta({ id: 'FailureReason' });

export const Card = z
  .object({
    card_id: z.number().int(),
    deck_id: z.number().int(),
    word: z.string(),
    hint: z.string().nullable(),
    status: z.enum(['pending', 'valid', 'failed']),
    french_word: z.string().nullable(),
    french_example: z.string().nullable(),
    english_word: z.string().nullable(),
    english_translation: z.string().nullable(),
    example_length: z.number().int().nullable().meta({ description: 'User-perceived characters of french_example.' }),
    translation_length: z.number().int().nullable(),
    max_chars: z.number().int().meta({ description: "Examples and translations must have fewer characters than this: the deck's limit the content was checked against." }),
    failure_reasons: z.array(FailureReason),
    flagged: z.boolean(),
    flagged_at: NullableDateTime,
    flag_reason: z.string().nullable(),
    version: z.number().int().meta({ description: 'Content version; GET and PATCH send it as the ETag "v<version>".' }),
    regenerate_after: NullableDateTime.meta({ description: 'The weekly regeneration skips the card until then (after failed regenerations).' }),
    prompt_version: z.string().nullable(),
    model: z.string().nullable(),
    edited_at: NullableDateTime,
    dag_id: z.string().nullable().meta({ description: 'The DAG run that generated the current content.' }),
    dag_run_id: z.string().nullable(),
    map_index: z.number().int().nullable(),
    due: DateTime,
    fsrs_state: z.number().int().meta({ description: 'ts-fsrs State: 0 New, 1 Learning, 2 Review, 3 Relearning.' }),
    stability: z.number(),
    difficulty: z.number(),
    reps: z.number().int(),
    lapses: z.number().int(),
    last_review: NullableDateTime,
    created_at: DateTime,
    updated_at: DateTime,
  })
  .meta({ id: 'Card' });

export const CardCollection = collection('cards', Card, 'CardCollection');

export const CardPatch = z
  .strictObject({
    french_word: z.string().optional(),
    french_example: z.string().optional(),
    english_word: z.string().optional(),
    english_translation: z.string().optional(),
    flagged: z.boolean().optional().meta({ description: 'Flag (true, with flag_reason) or unflag (false) the card.' }),
    flag_reason: z.string().optional(),
    version: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'The card version the change is based on (as If-Match: "v<version>"): a card changed since answers 409.' }),
  })
  .meta({
    id: 'CardPatch',
    description:
      'Content fields absent from the body keep their value; the resulting card must pass the card rules of its deck ' +
      '(examples shorter than max_chars, the example uses the word). Send the ETag of GET /cards/{card_id} as If-Match ' +
      '(or its version as `version`) so a change made meanwhile, by a person or a regeneration, answers 409 instead of being lost.',
  });

export const ReviewLog = z
  .object({
    review_id: z.number().int(),
    card_id: z.number().int(),
    card_version: z.number().int(),
    rating: z.number().int().meta({ description: '1 Again, 2 Hard, 3 Good, 4 Easy.' }),
    state: z.number().int().meta({ description: 'FSRS state before the review.' }),
    due: DateTime.meta({ description: 'When the card was due before the review.' }),
    stability: z.number(),
    difficulty: z.number(),
    scheduled_days: z.number(),
    review: DateTime,
    duration_ms: z.number().int().nullable(),
  })
  .meta({ id: 'ReviewLog' });

export const ReviewLogCollection = collection('reviews', ReviewLog, 'ReviewLogCollection');

export const ReviewInput = z
  .strictObject({
    rating: z.number().int().min(1).max(4).meta({ description: '1 Again, 2 Hard, 3 Good, 4 Easy.' }),
    duration_ms: z.number().int().min(0).nullable().optional(),
  })
  .meta({ id: 'ReviewInput' });

export const ReviewResult = z.object({ card: Card, review: ReviewLog }).meta({ id: 'ReviewResult' });

export const WordProgress = z
  .object({
    map_index: z.number().int(),
    card_id: z.number().int(),
    word: z.string(),
    hint: z.string().nullable(),
    phase: z.enum(['queued', 'running', 'reasking', 'retrying', 'done', 'failed', 'skipped']),
    task_state: z.string().nullable(),
    try_number: z.number().int(),
    attempts: z.number().int(),
    attempts_this_try: z.number().int(),
    /** Of `attempts`, those that got no answer from the provider (timeout, 429, 5xx…), not the model's fault. */
    provider_errors: z.number().int(),
    last_reasons: z.array(z.string()),
    failure_reasons: z.array(FailureReason),
    error: z.string().nullable(),
    next_retry_at: NullableDateTime,
  })
  .meta({ id: 'WordProgress' });

export const DeckProgress = z
  .object({
    deck_id: z.number().int(),
    due_now: z.number().int().meta({ description: "The deck's cards due for review now (valid, not flagged), as the progress is read." }),
    run: z
      .object({
        dag_id: z.string(),
        dag_run_id: z.string(),
        state: z.string(),
        queued_at: NullableDateTime,
        start_date: NullableDateTime,
        end_date: NullableDateTime,
        max_chars: z.number().int(),
        parse_state: z.string().nullable(),
        parse_error: z.string().nullable(),
        finished: z.boolean(),
        counts: z.record(z.string(), z.number().int()),
        rejected_before_call: z.number().int().meta({ description: 'Failed words never sent to the model (too long to fit max_chars).' }),
      })
      .nullable()
      .meta({ description: 'The run shown (the one asked for, else the latest that filled the deck); null when none.' }),
    words: z.array(WordProgress),
  })
  .meta({ id: 'DeckProgress' });

const DeckParams = z.object({ deck_id: PathInt });
const CardParams = z.object({ card_id: PathInt });

export const getDecks = endpoint({
  method: 'GET',
  path: '/decks',
  operationId: 'get_decks',
  tag: 'Deck',
  summary: 'List decks with their card counts',
  params: z.object({}),
  query: z.object({ ...Paging }),
  response: DeckCollection,
  errors: [400],
});

export const postDeck = endpoint({
  method: 'POST',
  path: '/decks',
  operationId: 'post_deck',
  tag: 'Deck',
  summary: 'Create an empty deck (cards come from a french_flashcards DAG run with conf.deck_name)',
  params: z.object({}),
  body: DeckInput,
  response: Deck,
  errors: [400, 409, 413],
});

export const getDeckOne = endpoint({
  method: 'GET',
  path: '/decks/{deck_id}',
  operationId: 'get_deck',
  tag: 'Deck',
  summary: 'Get a deck',
  params: DeckParams,
  response: Deck,
  errors: [400, 404],
});

export const getDeckCards = endpoint({
  method: 'GET',
  path: '/decks/{deck_id}/cards',
  operationId: 'get_deck_cards',
  tag: 'Card',
  summary: "List a deck's cards in word order",
  params: DeckParams,
  query: z.object({
    status: z.enum(['pending', 'valid', 'failed']).optional(),
    flagged: QueryBool.optional(),
    ...Paging,
  }),
  response: CardCollection,
  errors: [400, 404],
});

export const getDeckExport = endpoint({
  method: 'GET',
  path: '/decks/{deck_id}/export',
  operationId: 'get_deck_export',
  tag: 'Deck',
  summary: 'Export the valid, unflagged cards as CSV (text/csv) or an Anki package (application/octet-stream)',
  description: 'Answers a file download (Content-Disposition: attachment), not JSON: text/csv for format=csv, an Anki .apkg as application/octet-stream for format=apkg.',
  params: DeckParams,
  query: z.object({
    format: z.enum(['csv', 'apkg']).default('csv').meta({ description: 'csv (text/csv, the default) or apkg (application/octet-stream).' }),
    bom: QueryBool.optional().meta({ description: 'CSV only: start with a UTF-8 BOM (for Excel).' }),
  }),
  response: z.string().meta({ id: 'ExportFile', format: 'binary', description: 'The file: CSV text or an .apkg archive.' }),
  responseContentTypes: ['text/csv', 'application/octet-stream'],
  errors: [400, 404],
});

export const getDeckProgress = endpoint({
  method: 'GET',
  path: '/decks/{deck_id}/progress',
  operationId: 'get_deck_progress',
  tag: 'Deck',
  summary: 'Live progress per word of the french_flashcards run filling the deck',
  params: DeckParams,
  query: z.object({
    dag_run_id: z.string().min(1).optional().meta({ description: 'The run to show; the latest one for the deck when absent.' }),
  }),
  response: DeckProgress,
  errors: [400, 404],
});

export const getCardOne = endpoint({
  method: 'GET',
  path: '/cards/{card_id}',
  operationId: 'get_card',
  tag: 'Card',
  summary: 'Get a card',
  params: CardParams,
  response: Card,
  errors: [400, 404],
});

export const patchCard = endpoint({
  method: 'PATCH',
  path: '/cards/{card_id}',
  operationId: 'patch_card',
  tag: 'Card',
  summary: 'Edit, flag or unflag a card',
  params: CardParams,
  body: CardPatch,
  response: Card,
  errors: [400, 404, 409, 413],
});

export const deleteCardOne = endpoint({
  method: 'DELETE',
  path: '/cards/{card_id}',
  operationId: 'delete_card',
  tag: 'Card',
  summary: 'Delete a card with its versions and review history',
  params: CardParams,
  response: null,
  errors: [400, 404],
});

export const getCardReviews = endpoint({
  method: 'GET',
  path: '/cards/{card_id}/reviews',
  operationId: 'get_card_reviews',
  tag: 'Card',
  summary: "A card's reviews, oldest first",
  params: CardParams,
  response: ReviewLogCollection,
  errors: [400, 404],
});

export const postCardReview = endpoint({
  method: 'POST',
  path: '/cards/{card_id}/reviews',
  operationId: 'post_card_review',
  tag: 'Card',
  summary: 'Grade a card (FSRS): returns the rescheduled card and the review',
  params: CardParams,
  body: ReviewInput,
  response: ReviewResult,
  errors: [400, 404, 409, 413],
});

export const flashcardEndpoints = [
  getDecks, postDeck, getDeckOne, getDeckCards, getDeckExport, getDeckProgress,
  getCardOne, patchCard, deleteCardOne, getCardReviews, postCardReview,
];
