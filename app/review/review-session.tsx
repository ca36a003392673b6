'use client';
// Keyboard-first review: Space (or Enter) flips, 1–4 grade once flipped — Again, Hard, Good, Easy — each button
// showing when the card would come back.
import { useCallback, useEffect, useRef, useState } from 'react';
import { gradeAndNext } from './actions';
import type { ReviewState } from './review-state';

const RATINGS = [
  [1, 'Again'],
  [2, 'Hard'],
  [3, 'Good'],
  [4, 'Easy'],
] as const;

export function ReviewSession({ deckId, initial }: { deckId: number | null; initial: ReviewState }) {
  const [state, setState] = useState(initial);
  const [flipped, setFlipped] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reviewed, setReviewed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const shownAt = useRef(0);

  useEffect(() => {
    shownAt.current = performance.now();
  }, [state.card?.cardId, reviewed]);

  const grade = useCallback(
    async (rating: number) => {
      if (!state.card || !flipped || busy) return;
      setBusy(true);
      try {
        const r = await gradeAndNext(state.card.cardId, rating, performance.now() - shownAt.current, deckId);
        setState(r.state);
        setError(r.error);
        setFlipped(false);
        setReviewed((n) => n + 1);
      } catch {
        setError('The grade could not be saved; try again.');
      } finally {
        setBusy(false);
      }
    },
    [state.card, flipped, busy, deckId],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        if (state.card) setFlipped(true);
      } else if (['1', '2', '3', '4'].includes(e.key)) {
        e.preventDefault();
        void grade(Number(e.key));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [grade, state.card]);

  const card = state.card;
  return (
    <div className="review">
      <p className="small muted" data-testid="review-counts">
        <strong data-testid="due-now">{state.dueNow}</strong> due now ({state.dueNew} new · {state.dueLearning} learning · {state.dueReview} review)
        {reviewed > 0 && <> · <span data-testid="reviewed">{reviewed}</span> reviewed this session</>}
      </p>
      {error && <p className="error small">{error}</p>}
      {!card && (
        <div className="review-card done" data-testid="review-done">
          <p><strong>Nothing is due{reviewed > 0 ? ' — well done.' : '.'}</strong></p>
          <p className="muted">
            {state.nextDueAt ? <>Next card due <time dateTime={state.nextDueAt} data-testid="next-due">{new Date(state.nextDueAt).toLocaleString()}</time>.</> : state.reviewable === 0 ? 'No reviewable cards yet.' : null}
          </p>
        </div>
      )}
      {card && (
        <>
          <div className={`review-card ${flipped ? 'flipped' : ''}`} data-testid="review-card" onClick={() => setFlipped(true)}>
            <div className="fw" data-testid="review-front-word">{card.frenchWord}</div>
            <div className="ex">{card.frenchExample}</div>
            {flipped ? (
              <div className="answer" data-testid="review-answer">
                <hr />
                <div className="fw">{card.englishWord}</div>
                <div className="ex">{card.englishTranslation}</div>
              </div>
            ) : (
              <p className="muted small hint-line">Press <kbd>Space</kbd> to show the answer</p>
            )}
          </div>
          {flipped && state.intervals ? (
            <div className="grades" data-testid="grades">
              {RATINGS.map(([r, label]) => (
                <button key={r} type="button" className={`grade grade-${r}`} disabled={busy} onClick={() => void grade(r)} data-testid={`grade-${r}`}>
                  <span className="k">{r}</span> {label}
                  <span className="iv">{state.intervals![r]}</span>
                </button>
              ))}
            </div>
          ) : (
            <div className="grades"><button type="button" className="primary wide" onClick={() => setFlipped(true)}>Show answer</button></div>
          )}
        </>
      )}
    </div>
  );
}
