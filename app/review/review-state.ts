// What the review screen needs for one step: the card to show (most overdue first), each grade's next interval
// (ts-fsrs preview, the labels of the 1–4 buttons), the due counts and, when nothing is due, when the next card is.
import { dueCounts, previewDue, whatIsDueNext, type Rating } from '@/lib/flashcards/review';
import type { SqlClient } from '@/lib/store/database';

export interface ReviewCard {
  cardId: number;
  deckId: number;
  word: string;
  hint: string | null;
  frenchWord: string;
  frenchExample: string;
  englishWord: string;
  englishTranslation: string;
}

export interface ReviewState {
  card: ReviewCard | null;
  /** "1m", "10m", "2d"… per rating. */
  intervals: Record<Rating, string> | null;
  dueNow: number;
  dueNew: number;
  dueLearning: number;
  dueReview: number;
  reviewable: number;
  nextDueAt: string | null;
}

export function intervalLabel(ms: number): string {
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 60) return `${min}m`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h}h`;
  const d = Math.round(h / 24);
  if (d < 31) return `${d}d`;
  const mo = Math.round(d / 30.4);
  return mo < 12 ? `${mo}mo` : `${(d / 365).toFixed(1)}y`;
}

export async function loadReviewState(sql: SqlClient, now: Date, deckId: number | null): Promise<ReviewState> {
  const scope = deckId === null ? {} : { deckId };
  const [next, counts] = await Promise.all([whatIsDueNext(sql, now, scope), dueCounts(sql, now, scope)]);
  const sum = (k: 'dueNow' | 'dueNew' | 'dueLearning' | 'dueReview' | 'reviewable') => counts.reduce((n, c) => n + c[k], 0);
  const card = next.card;
  let intervals: ReviewState['intervals'] = null;
  if (card) {
    const p = previewDue(card, now);
    intervals = {
      1: intervalLabel(p[1].getTime() - now.getTime()),
      2: intervalLabel(p[2].getTime() - now.getTime()),
      3: intervalLabel(p[3].getTime() - now.getTime()),
      4: intervalLabel(p[4].getTime() - now.getTime()),
    };
  }
  return {
    card: card?.content
      ? {
          cardId: card.id,
          deckId: card.deckId,
          word: card.word,
          hint: card.hint,
          frenchWord: card.content.french_word,
          frenchExample: card.content.french_example,
          englishWord: card.content.english_word,
          englishTranslation: card.content.english_translation,
        }
      : null,
    intervals,
    dueNow: sum('dueNow'),
    dueNew: sum('dueNew'),
    dueLearning: sum('dueLearning'),
    dueReview: sum('dueReview'),
    reviewable: sum('reviewable'),
    nextDueAt: next.nextDueAt ? next.nextDueAt.toISOString() : null,
  };
}
