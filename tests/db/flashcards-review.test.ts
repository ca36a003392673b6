import { createEmptyCard, fsrs, type Card as FsrsCard, type Grade } from 'ts-fsrs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ConflictError } from '../../lib/kernel/errors';
import { saveGeneratedCard } from '../../lib/flashcards/card-content-updates';
import type { Card } from '../../lib/flashcards/card-row';
import { addPendingCards, flagCard, getCard, markCardFailed } from '../../lib/flashcards/cards';
import { getOrCreateDeck } from '../../lib/flashcards/decks';
import {
  dueCounts,
  dueQueue,
  gradeCard,
  previewDue,
  retrievability,
  reviewHistory,
  whatIsDueNext,
} from '../../lib/flashcards/review';
import type { Database } from '../../lib/store/database';
import { FakeClock } from '../support/fake-clock';
import { createTestDb } from '../support/test-db';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const META = { promptVersion: 'p1', model: 'm1' };

let db: Database;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db?.close());

/** A deck with one valid card per word, generated at `at`. */
async function deckWithCards(name: string, words: string[], at = T0): Promise<{ deckId: number; cards: Card[] }> {
  const { deck } = await getOrCreateDeck(db.sql, { name }, at);
  const { cards } = await addPendingCards(db.sql, deck.id, words.map((word) => ({ word })), at);
  const saved: Card[] = [];
  for (const card of cards) {
    saved.push(
      await saveGeneratedCard(
        db.sql,
        card.id,
        { french_word: card.word, french_example: `Le ${card.word}.`, english_word: card.word, english_translation: `The ${card.word}.` },
        META,
        at,
      ),
    );
  }
  return { deckId: deck.id, cards: saved };
}

describe('grading with FSRS', () => {
  it('follows exactly the schedule ts-fsrs computes for the same ratings at the same times', async () => {
    const { cards: [card] } = await deckWithCards('Sequence', ['la bagnole']);
    const clock = new FakeClock(T0);
    const scheduler = fsrs();
    let expected: FsrsCard = createEmptyCard(T0);
    const ratings: Grade[] = [3, 3, 3, 1, 3, 2, 4, 3];
    for (const rating of ratings) {
      // Review when due (an Again in review relearns in minutes), plus one hour of lateness.
      clock.advance(Math.max(0, expected.due.getTime() - clock.now().getTime()) + 60 * MINUTE);
      const { card: next, log } = scheduler.next(expected, clock.now(), rating);
      const graded = await gradeCard(db.sql, card!.id, rating, clock.now(), { durationMs: 1500 });
      expect(graded.card.fsrs).toEqual({
        due: next.due,
        stability: next.stability,
        difficulty: next.difficulty,
        elapsedDays: next.elapsed_days,
        scheduledDays: next.scheduled_days,
        learningSteps: next.learning_steps,
        reps: next.reps,
        lapses: next.lapses,
        state: next.state,
        lastReview: clock.now(),
      });
      expect(graded.log).toMatchObject({ rating, state: log.state, stability: log.stability, review: clock.now(), durationMs: 1500, cardVersion: 1 });
      expected = next;
    }
    const stored = await getCard(db.sql, card!.id);
    expect(stored.fsrs).toMatchObject({ reps: 8, lapses: 1, state: 2 });
    const history = await reviewHistory(db.sql, card!.id);
    expect(history.map((r) => r.rating)).toEqual(ratings);
    expect(history.map((r) => r.state)).toEqual([0, 1, 2, 2, 3, 2, 2, 2]); // The state each review started from.
  });

  it('refuses a rating outside 1–4 and a card without valid content', async () => {
    const { deck } = await getOrCreateDeck(db.sql, { name: 'Refusals' }, T0);
    const [pending, failed] = (await addPendingCards(db.sql, deck.id, [{ word: 'a1' }, { word: 'a2' }], T0)).cards;
    await markCardFailed(db.sql, failed!.id, [{ code: 'refusal' }], T0);
    await expect(gradeCard(db.sql, pending!.id, 0, T0)).rejects.toBeInstanceOf(ZodError);
    await expect(gradeCard(db.sql, pending!.id, 2.5, T0)).rejects.toBeInstanceOf(ZodError);
    await expect(gradeCard(db.sql, pending!.id, 3, T0)).rejects.toThrow('Card ' + pending!.id + ' has no valid content yet (status pending); it cannot be reviewed');
    await expect(gradeCard(db.sql, failed!.id, 3, T0)).rejects.toBeInstanceOf(ConflictError);
  });

  it('grades a card once when the same grade arrives twice at the same moment (double key press)', async () => {
    const { cards: [card] } = await deckWithCards('Double press', ['le boulot']);
    const results = await Promise.allSettled([gradeCard(db.sql, card!.id, 3, T0), gradeCard(db.sql, card!.id, 3, T0)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(ConflictError);
    expect(await reviewHistory(db.sql, card!.id)).toHaveLength(1);
  });

  it('computes retrievability from the stored state: 0 before any review, falling with time after one', async () => {
    const { cards: [card] } = await deckWithCards('Retrievability', ['kiffer']);
    expect(retrievability(card!, T0)).toBe(0);
    let current = card!;
    for (const [offset, rating] of [[0, 3], [10 * MINUTE, 3]] as const) {
      current = (await gradeCard(db.sql, current.id, rating, new Date(T0.getTime() + offset))).card;
    }
    const r1 = retrievability(current, new Date(T0.getTime() + 1 * DAY));
    const r30 = retrievability(current, new Date(T0.getTime() + 30 * DAY));
    expect(r1).toBeGreaterThan(0.9);
    expect(r30).toBeLessThan(r1);
    const preview = previewDue(current, current.fsrs.due);
    expect(preview[1] < preview[2] && preview[2] < preview[3] && preview[3] < preview[4]).toBe(true);
  });
});

describe('due queue and counts', () => {
  it('lists reviewable cards due now, most overdue first, without pending, failed, flagged or other decks', async () => {
    const { deckId, cards } = await deckWithCards('Queue', ['w0', 'w1', 'w2', 'w3', 'w4']);
    await deckWithCards('Queue other deck', ['x0']);
    const [w0, w1, w2, w3, w4] = cards;
    // w1 becomes a learning card due 10 minutes later; w2 is flagged; w3 and w4 stay new (due T0).
    await gradeCard(db.sql, w1!.id, 3, new Date(T0.getTime() + MINUTE));
    await flagCard(db.sql, w2!.id, 'odd example', T0);
    await addPendingCards(db.sql, deckId, [{ word: 'still pending' }], T0);

    const now = new Date(T0.getTime() + 5 * MINUTE);
    expect((await dueQueue(db.sql, deckId, now)).map((c) => c.word)).toEqual(['w0', 'w3', 'w4']);
    expect((await dueQueue(db.sql, deckId, now, { limit: 2 })).map((c) => c.word)).toEqual(['w0', 'w3']);
    expect((await dueQueue(db.sql, deckId, now, { learnAheadMs: 20 * MINUTE })).map((c) => c.word)).toEqual(['w0', 'w3', 'w4', 'w1']);

    const [counts] = await dueCounts(db.sql, now, { deckId });
    expect(counts).toEqual({
      deckId,
      dueNow: 3,
      dueNew: 3,
      dueLearning: 0,
      dueReview: 0,
      reviewable: 4,
      nextDueAt: new Date(T0.getTime() + 11 * MINUTE),
    });
    expect((await dueCounts(db.sql, now)).length).toBeGreaterThanOrEqual(2);

    expect((await whatIsDueNext(db.sql, now, { deckId })).card?.id).toBe(w0!.id);
    for (const card of [w0, w3, w4]) await gradeCard(db.sql, card!.id, 4, now); // Easy: out for days.
    expect(await whatIsDueNext(db.sql, now, { deckId })).toEqual({ card: null, nextDueAt: new Date(T0.getTime() + 11 * MINUTE) });
  });
});
