'use server';
// The review session's one round trip: grade the card shown (FSRS, lib/flashcards/review.ts) and get the next step.
import { ConflictError } from '@/lib/kernel/errors';
import { gradeCard } from '@/lib/flashcards/review';
import { actionUser } from '@/lib/api/current-user';
import { getRuntime } from '@/lib/runtime/app-context';
import { loadReviewState, type ReviewState } from './review-state';

export async function gradeAndNext(
  cardId: number,
  rating: number,
  durationMs: number | null,
  deckId: number | null,
): Promise<{ state: ReviewState; error: string | null }> {
  const rt = getRuntime();
  const who = await actionUser('User');
  if (!who.ok) return { state: await loadReviewState(rt.db.sql, rt.clock.now(), deckId), error: who.message };
  let error: string | null = null;
  try {
    await gradeCard(rt.db.sql, cardId, rating, rt.clock.now(), { durationMs: durationMs === null ? null : Math.max(0, Math.round(durationMs)) });
  } catch (err) {
    // A double key press or a grade from another tab: show the card that is due now instead.
    if (!(err instanceof ConflictError)) throw err;
    error = err.message;
  }
  return { state: await loadReviewState(rt.db.sql, rt.clock.now(), deckId), error };
}
