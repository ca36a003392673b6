// Decks: one per movie (or any title) per install. Names are unique case-insensitively (deck.name_key), so pasting
// more words for "Amélie" extends the deck that already exists, and "skip words the deck already has" works.
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../kernel/errors';
import type { SqlClient } from '../store/database';
import { normalizeText, wordKey } from './word-key';

export const DECK_NAME_MAX_CHARS = 200;

const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .transform((value) => normalizeText(value) || null)
    .nullish()
    .transform((value) => value ?? null);

export const DeckInputSchema = z.object({
  name: z
    .string()
    .transform(normalizeText)
    .pipe(z.string().min(1, 'A deck needs a name (e.g. the movie).').max(DECK_NAME_MAX_CHARS)),
  description: optionalText(2_000),
  level: optionalText(50),
});
export type DeckInput = z.input<typeof DeckInputSchema>;

export interface Deck {
  id: number;
  name: string;
  description: string | null;
  level: string | null;
  /** Examples and translations of its cards have fewer graphemes than this. */
  maxChars: number;
  createdAt: Date;
  updatedAt: Date;
}

interface DeckRow {
  id: number;
  name: string;
  description: string | null;
  level: string | null;
  max_chars: number;
  created_at: Date;
  updated_at: Date;
}

const DECK_COLUMNS = 'id, name, description, level, max_chars, created_at, updated_at';

const toDeck = (row: DeckRow): Deck => ({
  id: row.id,
  name: row.name,
  description: row.description,
  level: row.level,
  maxChars: row.max_chars,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Case-insensitive identity of a deck name (same rules as a word's key). */
export const deckNameKey = (name: string): string => wordKey(name);

/**
 * The deck with this name, created when missing. An existing deck keeps its name and fields; a description or level
 * it lacks is filled in from `input`.
 */
export async function getOrCreateDeck(sql: SqlClient, input: DeckInput, now: Date): Promise<{ deck: Deck; created: boolean }> {
  const { name, description, level } = DeckInputSchema.parse(input);
  const [row] = await sql.query<DeckRow & { created: boolean }>(
    `INSERT INTO deck (name, name_key, description, level, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (name_key) DO UPDATE
       SET description = COALESCE(deck.description, EXCLUDED.description),
           level = COALESCE(deck.level, EXCLUDED.level)
     RETURNING ${DECK_COLUMNS}, (xmax = 0) AS created`,
    [name, deckNameKey(name), description, level, now],
  );
  return { deck: toDeck(row!), created: row!.created };
}

/** Sets the limit the deck's cards are generated and checked under (the run that generates them sets it). */
export async function setDeckMaxChars(sql: SqlClient, deckId: number, maxChars: number): Promise<void> {
  const rows = await sql.query(`UPDATE deck SET max_chars = $2 WHERE id = $1 AND max_chars <> $2 RETURNING id`, [deckId, maxChars]);
  if (rows.length === 0) await getDeck(sql, deckId); // NotFoundError when it does not exist
}

/** Each deck's max_chars, by deck id. */
export async function deckCharLimits(sql: SqlClient, deckIds: readonly number[]): Promise<Map<number, number>> {
  const unique = [...new Set(deckIds)];
  if (unique.length === 0) return new Map();
  const rows = await sql.query<{ id: number; max_chars: number }>(`SELECT id, max_chars FROM deck WHERE id = ANY($1::int[])`, [unique]);
  return new Map(rows.map((r) => [r.id, r.max_chars]));
}

export async function getDeck(sql: SqlClient, deckId: number): Promise<Deck> {
  const [row] = await sql.query<DeckRow>(`SELECT ${DECK_COLUMNS} FROM deck WHERE id = $1`, [deckId]);
  if (!row) throw new NotFoundError(`Deck ${deckId} not found`);
  return toDeck(row);
}

export async function findDeckByName(sql: SqlClient, name: string): Promise<Deck | null> {
  const [row] = await sql.query<DeckRow>(`SELECT ${DECK_COLUMNS} FROM deck WHERE name_key = $1`, [deckNameKey(name)]);
  return row ? toDeck(row) : null;
}

export interface DeckSummary extends Deck {
  cards: { total: number; valid: number; pending: number; failed: number; flagged: number; dueNow: number };
}

/** Every deck with its card counts by status and due now, in one query. */
export async function listDecks(sql: SqlClient, now: Date): Promise<DeckSummary[]> {
  const rows = await sql.query<DeckRow & Record<'total' | 'valid' | 'pending' | 'failed' | 'flagged' | 'due_now', number>>(
    `SELECT d.id, d.name, d.description, d.level, d.max_chars, d.created_at, d.updated_at,
            count(c.id)::int AS total,
            count(*) FILTER (WHERE c.status = 'valid')::int AS valid,
            count(*) FILTER (WHERE c.status = 'pending')::int AS pending,
            count(*) FILTER (WHERE c.status = 'failed')::int AS failed,
            count(*) FILTER (WHERE c.flagged_at IS NOT NULL)::int AS flagged,
            count(*) FILTER (WHERE c.status = 'valid' AND c.flagged_at IS NULL AND c.due <= $1)::int AS due_now
       FROM deck d LEFT JOIN card c ON c.deck_id = d.id
      GROUP BY d.id ORDER BY d.name_key`,
    [now],
  );
  return rows.map((row) => ({
    ...toDeck(row),
    cards: { total: row.total, valid: row.valid, pending: row.pending, failed: row.failed, flagged: row.flagged, dueNow: row.due_now },
  }));
}

export const DeckPatchSchema = DeckInputSchema.partial();

/** Renames or re-describes a deck; a rename onto another deck's name is refused by the unique key (ConflictError). */
export async function updateDeck(sql: SqlClient, deckId: number, patch: z.input<typeof DeckPatchSchema>, now: Date): Promise<Deck> {
  const parsed = DeckPatchSchema.parse(patch);
  const has = (key: keyof typeof parsed): boolean => Object.prototype.hasOwnProperty.call(patch, key);
  const [row] = await sql
    .query<DeckRow>(
      `UPDATE deck SET
         name = CASE WHEN $2 THEN $3 ELSE name END,
         name_key = CASE WHEN $2 THEN $4 ELSE name_key END,
         description = CASE WHEN $5 THEN $6 ELSE description END,
         level = CASE WHEN $7 THEN $8 ELSE level END,
         updated_at = $9
       WHERE id = $1 RETURNING ${DECK_COLUMNS}`,
      [
        deckId,
        parsed.name !== undefined,
        parsed.name ?? null,
        parsed.name !== undefined ? deckNameKey(parsed.name) : null,
        has('description'),
        parsed.description ?? null,
        has('level'),
        parsed.level ?? null,
        now,
      ],
    )
    .catch((error: unknown) => {
      throw uniqueViolation(error) ? new ConflictError(`A deck named '${parsed.name}' already exists`) : error;
    });
  if (!row) throw new NotFoundError(`Deck ${deckId} not found`);
  return toDeck(row);
}

/** Deletes the deck with its cards, versions and review history (FK cascade). */
export async function deleteDeck(sql: SqlClient, deckId: number): Promise<void> {
  const rows = await sql.query(`DELETE FROM deck WHERE id = $1 RETURNING id`, [deckId]);
  if (rows.length === 0) throw new NotFoundError(`Deck ${deckId} not found`);
}

/** SQLSTATE 23505 (PGlite and pg both expose `code`). */
export function uniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
