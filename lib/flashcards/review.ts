// Spaced repetition with FSRS (ts-fsrs): the due queue and counts are SQL over card.due (indexed); a grade is computed
// by ts-fsrs from the card's stored memory state and written back with its review_log row in ONE statement, guarded
// by the state it was computed from. Time is always passed in (`now`), never read here.
import { fsrs, type Card as FsrsCard, type FSRS, type Grade, type ReviewLog as FsrsReviewLog } from 'ts-fsrs';
import { z } from 'zod';
import { ConflictError } from '../kernel/errors';
import type { SqlClient } from '../store/database';
import { CARD_STATUSES } from './card-content';
import { cardColumns, toCard, type Card, type CardRow, type FsrsMemory } from './card-row';
import { getCard } from './cards';

/** 1 Again, 2 Hard, 3 Good, 4 Easy (ts-fsrs Rating, and the keys a reviewer presses). */
export const RatingSchema = z.number().int().min(1, 'rating must be 1–4').max(4, 'rating must be 1–4');
export type Rating = 1 | 2 | 3 | 4;

/** ts-fsrs defaults (FSRS-6 weights, 90 % retention, learning steps 1m/10m, no fuzz). One instance is enough. */
export const defaultScheduler: FSRS = fsrs();

/** A card is in the review queue when it has valid content and is not flagged. */
const REVIEWABLE = `status = '${CARD_STATUSES.valid}' AND flagged_at IS NULL`;

export interface ReviewLogEntry {
  id: number;
  cardId: number;
  cardVersion: number;
  rating: Rating;
  /** ts-fsrs records the memory state BEFORE the review. */
  state: number;
  due: Date;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  lastElapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  review: Date;
  durationMs: number | null;
}

export function toFsrsCard(memory: FsrsMemory): FsrsCard {
  return {
    due: memory.due,
    stability: memory.stability,
    difficulty: memory.difficulty,
    elapsed_days: memory.elapsedDays,
    scheduled_days: memory.scheduledDays,
    learning_steps: memory.learningSteps,
    reps: memory.reps,
    lapses: memory.lapses,
    state: memory.state,
    last_review: memory.lastReview ?? undefined,
  };
}

/** Cards of a deck to review now, most overdue first. `learnAheadMs` also admits cards due shortly (Anki: 20 min). */
export async function dueQueue(
  sql: SqlClient,
  deckId: number,
  now: Date,
  options: { limit?: number; learnAheadMs?: number } = {},
): Promise<Card[]> {
  const until = new Date(now.getTime() + (options.learnAheadMs ?? 0));
  const rows = await sql.query<CardRow>(
    `SELECT ${cardColumns()} FROM card
      WHERE deck_id = $1 AND due <= $2 AND ${REVIEWABLE}
      ORDER BY due, id LIMIT $3`,
    [deckId, until, options.limit ?? 50],
  );
  return rows.map(toCard);
}

export interface GradeResult {
  card: Card;
  log: ReviewLogEntry;
}

/**
 * Grades a card at `now`: ts-fsrs computes the next memory state, and one statement updates the card and appends the
 * review_log row (naming the content version reviewed). The update is guarded by the version and rep count the
 * computation started from, so a concurrent grade or edit is refused (ConflictError), never silently overwritten —
 * and a double key press does not grade twice.
 */
export async function gradeCard(
  sql: SqlClient,
  cardId: number,
  rating: number,
  now: Date,
  options: { durationMs?: number | null; scheduler?: FSRS } = {},
): Promise<GradeResult> {
  const grade = RatingSchema.parse(rating) as Grade;
  const durationMs = z.number().int().min(0).nullable().parse(options.durationMs ?? null);
  const current = await getCard(sql, cardId);
  if (current.status !== CARD_STATUSES.valid) {
    throw new ConflictError(`Card ${cardId} has no valid content yet (status ${current.status}); it cannot be reviewed`);
  }
  const { card: next, log } = (options.scheduler ?? defaultScheduler).next(toFsrsCard(current.fsrs), now, grade);
  const rows = await sql.query<CardRow & { log_id: number }>(
    `WITH updated AS (
       UPDATE card SET due = $4, stability = $5, difficulty = $6, elapsed_days = $7, scheduled_days = $8,
                       learning_steps = $9, reps = $10, lapses = $11, fsrs_state = $12, last_review = $13, updated_at = $13
        WHERE id = $1 AND version = $2 AND reps = $3 AND status = 'valid'
        RETURNING ${cardColumns('card')}
     ), logged AS (
       INSERT INTO review_log (card_id, card_version, rating, state, due, stability, difficulty, elapsed_days,
                               last_elapsed_days, scheduled_days, learning_steps, review, duration_ms)
       SELECT id, version, $14, $15, $16, $17, $18, $19, $20, $21, $22, $13, $23 FROM updated
       RETURNING id
     )
     SELECT updated.*, logged.id AS log_id FROM updated, logged`,
    [
      cardId, current.version, current.fsrs.reps,
      next.due, next.stability, next.difficulty, next.elapsed_days, next.scheduled_days, next.learning_steps,
      next.reps, next.lapses, next.state, now,
      log.rating, log.state, log.due, log.stability, log.difficulty, log.elapsed_days, log.last_elapsed_days,
      log.scheduled_days, log.learning_steps, durationMs,
    ],
  );
  const row = rows[0];
  if (!row) {
    throw new ConflictError(`Card ${cardId} was reviewed or changed while this grade was computed; reload it and grade again`);
  }
  return { card: toCard(row), log: toReviewLogEntry(row.log_id, row.id, row.version, log, durationMs) };
}

function toReviewLogEntry(id: number, cardId: number, cardVersion: number, log: FsrsReviewLog, durationMs: number | null): ReviewLogEntry {
  return {
    id,
    cardId,
    cardVersion,
    rating: log.rating as Rating,
    state: log.state,
    due: log.due,
    stability: log.stability,
    difficulty: log.difficulty,
    elapsedDays: log.elapsed_days,
    lastElapsedDays: log.last_elapsed_days,
    scheduledDays: log.scheduled_days,
    learningSteps: log.learning_steps,
    review: log.review,
    durationMs,
  };
}

/** Probability of recalling the card at `now` (0 for a card never reviewed). */
export function retrievability(card: Card, now: Date, scheduler: FSRS = defaultScheduler): number {
  return scheduler.get_retrievability(toFsrsCard(card.fsrs), now, false);
}

/** When the card would next be due for each rating: the labels of the 1–4 buttons. */
export function previewDue(card: Card, now: Date, scheduler: FSRS = defaultScheduler): Record<Rating, Date> {
  const preview = scheduler.repeat(toFsrsCard(card.fsrs), now);
  return { 1: preview[1].card.due, 2: preview[2].card.due, 3: preview[3].card.due, 4: preview[4].card.due };
}

export interface DueCounts {
  deckId: number;
  /** Reviewable now, split by FSRS state. */
  dueNow: number;
  dueNew: number;
  dueLearning: number;
  dueReview: number;
  /** Reviewable cards in the deck (valid, not flagged). */
  reviewable: number;
  /** The earliest due time after `now`: "what is due next" when nothing is due. */
  nextDueAt: Date | null;
}

/** Due counts for every deck (or one), one grouped query; decks without reviewable cards are absent. */
export async function dueCounts(sql: SqlClient, now: Date, options: { deckId?: number } = {}): Promise<DueCounts[]> {
  const rows = await sql.query<{
    deck_id: number;
    due_now: number;
    due_new: number;
    due_learning: number;
    due_review: number;
    reviewable: number;
    next_due_at: Date | null;
  }>(
    `SELECT deck_id,
            count(*) FILTER (WHERE due <= $1)::int AS due_now,
            count(*) FILTER (WHERE due <= $1 AND fsrs_state = 0)::int AS due_new,
            count(*) FILTER (WHERE due <= $1 AND fsrs_state IN (1, 3))::int AS due_learning,
            count(*) FILTER (WHERE due <= $1 AND fsrs_state = 2)::int AS due_review,
            count(*)::int AS reviewable,
            min(due) FILTER (WHERE due > $1) AS next_due_at
       FROM card WHERE ${REVIEWABLE} AND ($2::int IS NULL OR deck_id = $2)
      GROUP BY deck_id ORDER BY deck_id`,
    [now, options.deckId ?? null],
  );
  return rows.map((row) => ({
    deckId: row.deck_id,
    dueNow: row.due_now,
    dueNew: row.due_new,
    dueLearning: row.due_learning,
    dueReview: row.due_review,
    reviewable: row.reviewable,
    nextDueAt: row.next_due_at,
  }));
}

/** The card to show next (most overdue, any deck or one deck), or when the next one becomes due. */
export async function whatIsDueNext(
  sql: SqlClient,
  now: Date,
  options: { deckId?: number } = {},
): Promise<{ card: Card | null; nextDueAt: Date | null }> {
  const [row] = await sql.query<CardRow>(
    `SELECT ${cardColumns()} FROM card
      WHERE ${REVIEWABLE} AND ($1::int IS NULL OR deck_id = $1)
      ORDER BY due, id LIMIT 1`,
    [options.deckId ?? null],
  );
  if (!row) return { card: null, nextDueAt: null };
  return row.due <= now ? { card: toCard(row), nextDueAt: row.due } : { card: null, nextDueAt: row.due };
}

/** A card's reviews, oldest first, across all its content versions. */
export async function reviewHistory(sql: SqlClient, cardId: number): Promise<ReviewLogEntry[]> {
  const rows = await sql.query<{
    id: number; card_id: number; card_version: number; rating: Rating; state: number; due: Date; stability: number;
    difficulty: number; elapsed_days: number; last_elapsed_days: number; scheduled_days: number; learning_steps: number;
    review: Date; duration_ms: number | null;
  }>(
    `SELECT id, card_id, card_version, rating, state, due, stability, difficulty, elapsed_days, last_elapsed_days,
            scheduled_days, learning_steps, review, duration_ms
       FROM review_log WHERE card_id = $1 ORDER BY review, id`,
    [cardId],
  );
  return rows.map((row) => ({
    id: row.id,
    cardId: row.card_id,
    cardVersion: row.card_version,
    rating: row.rating,
    state: row.state,
    due: row.due,
    stability: row.stability,
    difficulty: row.difficulty,
    elapsedDays: row.elapsed_days,
    lastElapsedDays: row.last_elapsed_days,
    scheduledDays: row.scheduled_days,
    learningSteps: row.learning_steps,
    review: row.review,
    durationMs: row.duration_ms,
  }));
}
