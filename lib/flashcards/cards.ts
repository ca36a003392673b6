// Cards of a deck: created pending from parsed vocabulary, then filled by generation (or by hand), flagged by
// reviewers, deleted. Content changes live in card-content-updates.ts. Every function takes the SqlClient (or a `tx`)
// it runs on, so callers compose them inside their own transactions.
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../kernel/errors';
import type { SqlClient } from '../store/database';
import { CARD_STATUSES, FailureReasonSchema, type CardStatus, type FailureReason } from './card-content';
import { cardColumns, toCard, type Card, type CardRow } from './card-row';
import type { CardRulesOfDeck } from './card-rules';
import { normalizeText, wordKey } from './word-key';

export const NewCardEntrySchema = z.object({
  word: z.string().transform(normalizeText).pipe(z.string().min(1)),
  hint: z
    .string()
    .nullish()
    .transform((hint) => (hint == null ? null : normalizeText(hint) || null)),
});
export type NewCardEntry = z.input<typeof NewCardEntrySchema>;

export interface SkippedWord {
  word: string;
  cardId: number;
  reason: 'already_valid';
}

export interface AddPendingCardsResult {
  /** In entry order: new pending cards, and existing cards without valid content (they still need generating). */
  cards: Card[];
  /** Words the deck already has a valid card for: nothing to generate. */
  skipped: SkippedWord[];
}

/**
 * Adds a pending card for each word the deck does not have yet (by word key), in one statement. Entries repeating an
 * earlier entry's key are ignored. Existing pending/failed cards come back in `cards`, existing valid ones in `skipped`.
 */
export async function addPendingCards(
  sql: SqlClient,
  deckId: number,
  entries: readonly NewCardEntry[],
  now: Date,
): Promise<AddPendingCardsResult> {
  const unique = new Map<string, { word: string; hint: string | null }>();
  for (const entry of z.array(NewCardEntrySchema).parse(entries)) {
    const key = wordKey(entry.word);
    if (!unique.has(key)) unique.set(key, entry);
  }
  if (unique.size === 0) return { cards: [], skipped: [] };
  const values = [...unique.values()];
  const rows = await sql
    .query<CardRow & { outcome: 'created' | 'existing' }>(
      `WITH input AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS i(word, word_key, hint, ord)
       ), inserted AS (
         INSERT INTO card (deck_id, word, word_key, hint, due, created_at, updated_at)
         SELECT $1::int, word, word_key, hint, $5::timestamptz, $5::timestamptz, $5::timestamptz FROM input ORDER BY ord
         ON CONFLICT (deck_id, word_key) DO NOTHING
         RETURNING ${cardColumns('card')}
       )
       SELECT i.ord, 'created' AS outcome, ${cardColumns('n')} FROM input i JOIN inserted n ON n.word_key = i.word_key
       UNION ALL
       -- The statement's snapshot does not include the rows just inserted: these are the cards that existed before.
       SELECT i.ord, 'existing' AS outcome, ${cardColumns('c')} FROM input i JOIN card c ON c.deck_id = $1 AND c.word_key = i.word_key
       ORDER BY ord`,
      [deckId, values.map((v) => v.word), [...unique.keys()], values.map((v) => v.hint), now],
    )
    .catch((error: unknown) => {
      throw (error as { code?: string }).code === '23503' ? new NotFoundError(`Deck ${deckId} not found`) : error;
    });
  const result: AddPendingCardsResult = { cards: [], skipped: [] };
  for (const row of rows) {
    if (row.outcome === 'existing' && row.status === CARD_STATUSES.valid) {
      result.skipped.push({ word: row.word, cardId: row.id, reason: 'already_valid' });
    } else {
      result.cards.push(toCard(row));
    }
  }
  return result;
}

/**
 * Records that a run lists these cards for generation, each at its place in the list (the map index of its
 * generate_card instance): the deck page follows the run through this link.
 */
export async function listCardsForRun(sql: SqlClient, run: { dagId: string; runId: string }, cardIds: readonly number[]): Promise<void> {
  if (cardIds.length === 0) return;
  await sql.query(
    `UPDATE card c SET dag_run_id = r.id, map_index = (l.ord - 1)::int
       FROM dag_run r, unnest($3::int[]) WITH ORDINALITY AS l(card_id, ord)
      WHERE r.dag_id = $1 AND r.run_id = $2 AND c.id = l.card_id`,
    [run.dagId, run.runId, cardIds],
  );
}

export async function getCard(sql: SqlClient, cardId: number): Promise<Card> {
  const [row] = await sql.query<CardRow>(`SELECT ${cardColumns()} FROM card WHERE id = $1`, [cardId]);
  if (!row) throw new NotFoundError(`Card ${cardId} not found`);
  return toCard(row);
}

/** The rules a card's content must pass: its deck's limit and its word (card-rules.ts). */
export async function cardRulesOf(sql: SqlClient, cardId: number): Promise<CardRulesOfDeck> {
  const [row] = await sql.query<{ word: string; max_chars: number }>(
    `SELECT c.word, d.max_chars FROM card c JOIN deck d ON d.id = c.deck_id WHERE c.id = $1`,
    [cardId],
  );
  if (!row) throw new NotFoundError(`Card ${cardId} not found`);
  return { word: row.word, maxChars: row.max_chars };
}

export interface ListCardsFilter {
  status?: CardStatus;
  flagged?: boolean;
  limit?: number;
  offset?: number;
}

/** A deck's cards in word order, with the total for paging (Airflow-style limit/offset). */
export async function listCards(
  sql: SqlClient,
  deckId: number,
  filter: ListCardsFilter = {},
): Promise<{ cards: Card[]; total: number }> {
  const where = `deck_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::boolean IS NULL OR (flagged_at IS NOT NULL) = $3)`;
  const params = [deckId, filter.status ?? null, filter.flagged ?? null];
  const [rows, [count]] = await Promise.all([
    sql.query<CardRow>(`SELECT ${cardColumns()} FROM card WHERE ${where} ORDER BY word_key, id LIMIT $4 OFFSET $5`, [
      ...params,
      filter.limit ?? 100,
      filter.offset ?? 0,
    ]),
    sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM card WHERE ${where}`, params),
  ]);
  return { cards: rows.map(toCard), total: count?.total ?? 0 };
}

/** Weeks the weekly regeneration skips a card after its n-th failed regeneration in a row: 1, 2, 4 … up to 16. */
export const REGENERATION_BACKOFF_MAX_WEEKS = 16;

/**
 * Records that generation gave up. A card that never had content becomes 'failed'; one with content (a failed
 * regeneration) keeps it and stays 'valid', with the reasons kept for the UI and the next regeneration.
 * With `backoff` (a regeneration that asked the model), the weekly regeneration skips the card for 1, 2, 4 … weeks:
 * until half a week past the run that many weeks later, so a run starting a little late still counts as that week.
 */
export async function markCardFailed(
  sql: SqlClient,
  cardId: number,
  reasons: readonly FailureReason[],
  now: Date,
  opts: { backoff?: boolean } = {},
): Promise<Card> {
  const parsed = FailureReasonSchema.array().min(1, 'a failure needs at least one reason').parse(reasons);
  const [row] = await sql.query<CardRow>(
    `UPDATE card SET status = CASE WHEN version = 0 THEN 'failed' ELSE status END,
                     failure_reasons = $2::jsonb, updated_at = $3,
                     failed_regenerations = failed_regenerations + CASE WHEN $4 THEN 1 ELSE 0 END,
                     regenerate_after = CASE WHEN $4
                       THEN $3::timestamptz + (least(power(2, least(failed_regenerations, 30)), $5) * 7 + 3.5) * interval '1 day'
                       ELSE regenerate_after END
      WHERE id = $1 RETURNING ${cardColumns()}`,
    [cardId, JSON.stringify(parsed), now, opts.backoff ?? false, REGENERATION_BACKOFF_MAX_WEEKS],
  );
  if (!row) throw new NotFoundError(`Card ${cardId} not found`);
  return toCard(row);
}

export const FlagReasonSchema = z
  .string()
  .transform(normalizeText)
  .pipe(z.string().min(1, 'Say what is wrong with the card.').max(500));

/** A reviewer marks a card as wrong: it leaves the review queue and the weekly regeneration picks it up. */
export async function flagCard(sql: SqlClient, cardId: number, reason: string, now: Date): Promise<Card> {
  const flagReason = FlagReasonSchema.parse(reason);
  const [row] = await sql.query<CardRow>(
    `UPDATE card SET flagged_at = $2, flag_reason = $3, updated_at = $2
      WHERE id = $1 AND version > 0 RETURNING ${cardColumns()}`,
    [cardId, now, flagReason],
  );
  if (row) return toCard(row);
  await getCard(sql, cardId); // NotFoundError when it does not exist…
  throw new ConflictError(`Card ${cardId} has no content yet: there is nothing to flag`);
}

export async function unflagCard(sql: SqlClient, cardId: number, now: Date): Promise<Card> {
  const [row] = await sql.query<CardRow>(
    `UPDATE card SET flagged_at = NULL, flag_reason = NULL,
                     updated_at = CASE WHEN flagged_at IS NULL THEN updated_at ELSE $2 END
      WHERE id = $1 RETURNING ${cardColumns()}`,
    [cardId, now],
  );
  if (!row) throw new NotFoundError(`Card ${cardId} not found`);
  return toCard(row);
}

/** Deletes the card with its versions and review history. */
export async function deleteCard(sql: SqlClient, cardId: number): Promise<void> {
  const rows = await sql.query(`DELETE FROM card WHERE id = $1 RETURNING id`, [cardId]);
  if (rows.length === 0) throw new NotFoundError(`Card ${cardId} not found`);
}

/** The cards an export contains: valid content, not flagged (a flagged card is suspected wrong), in word order. */
export async function listExportableCards(sql: SqlClient, deckId: number): Promise<Card[]> {
  const rows = await sql.query<CardRow>(
    `SELECT ${cardColumns()} FROM card
      WHERE deck_id = $1 AND status = 'valid' AND flagged_at IS NULL AND french_word IS NOT NULL
      ORDER BY word_key, id`,
    [deckId],
  );
  return rows.map(toCard);
}
