'use client';
// The deck page's live part: polls the run's progress every 1.5 s until the run has finished, so words move from
// queued to done and the review button's due count grows without a reload; the cards are fetched again only when
// more words have finished.
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { retryWord } from './actions';
import { CardList } from './card-list';
import { cardView, type CardData, type CardView, type ProgressData } from './deck-types';

const POLL_MS = 1500;

const PHASE_LABEL: Record<string, string> = {
  queued: 'queued',
  running: 'asking the model',
  reasking: 're-asking',
  retrying: 'waiting to retry',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
};

export function DeckLive({ deck, runId, initialProgress, initialCards }: {
  deck: { id: number; name: string };
  runId: string | null;
  initialProgress: ProgressData;
  initialCards: CardView[];
}) {
  const deckId = deck.id;
  const [progress, setProgress] = useState(initialProgress);
  const [cards, setCards] = useState(initialCards);
  const [polling, setPolling] = useState(initialProgress.run ? !initialProgress.run.finished : runId !== null);
  const [notice, setNotice] = useState<string | null>(null);

  const refreshCards = useCallback(async () => {
    const res = await fetch(`/api/v1/decks/${deckId}/cards?limit=1000`, { cache: 'no-store' });
    if (res.ok) setCards(((await res.json()) as { cards: CardData[] }).cards.map(cardView));
  }, [deckId]);
  // Words finished when the cards were last fetched: a poll that changes nothing there leaves 500 cards alone.
  const finishedAtFetch = useRef(finishedWords(initialProgress));

  useEffect(() => {
    if (!polling) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const q = runId ? `?dag_run_id=${encodeURIComponent(runId)}` : '';
        const res = await fetch(`/api/v1/decks/${deckId}/progress${q}`, { cache: 'no-store' });
        if (res.ok && !stopped) {
          const next = (await res.json()) as ProgressData;
          setProgress(next);
          const finished = finishedWords(next);
          if (finished !== finishedAtFetch.current || next.run?.finished) {
            finishedAtFetch.current = finished;
            await refreshCards();
          }
          if (next.run?.finished) {
            setPolling(false);
            return;
          }
        }
      } catch {
        // The server restarting or the network blinking: the next tick tries again.
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [polling, deckId, runId, refreshCards]);

  const retry = async (mapIndex: number) => {
    if (!progress.run) return;
    const r = await retryWord(progress.run.dag_run_id, mapIndex);
    setNotice(r.ok ? null : r.message);
    if (r.ok) setPolling(true);
  };

  const run = progress.run;
  const words = progress.words;
  const done = words.filter((w) => w.phase === 'done' || w.phase === 'failed' || w.phase === 'skipped').length;
  return (
    <>
      <div className="title-row">
        <h1 data-testid="deck-name">{deck.name}</h1>
        <div className="ff-actions">
          {/* The due count comes with each poll, so it grows as cards arrive. */}
          <Link href={`/review?deck=${deckId}`} className="button primary" data-testid="review-link">Review (<span data-testid="deck-due-now">{progress.due_now}</span> due)</Link>
          <a href={`/api/v1/decks/${deckId}/export?format=csv`} className="button" download>Export CSV</a>
          <a href={`/api/v1/decks/${deckId}/export?format=apkg`} className="button" download>Export .apkg</a>
        </div>
      </div>
      <section className="panel" data-testid="run-progress">
        <h2>
          Generation {run ? <span className={`badge state-${run.state}`} data-testid="run-state">{run.state}</span> : null}
        </h2>
        {!run && <p className="muted">No generation run for this deck yet.</p>}
        {run && (
          <>
            <p className="muted small">
              Run <code>{run.dag_run_id}</code> · examples and translations under {run.max_chars} characters
              {polling && <> · <span className="live-dot" /> live</>}
            </p>
            {run.parse_state === 'failed' && <p className="error" data-testid="parse-error">The vocabulary was refused: {run.parse_error}</p>}
            {words.length === 0 && run.parse_state !== 'failed' && (
              <p className="muted" data-testid="waiting">{run.state === 'queued' ? 'Waiting for the scheduler…' : 'Reading the vocabulary…'}</p>
            )}
            {words.length > 0 && (
              <>
                <div className="progress-bar" aria-label={`${done} of ${words.length} words finished`}>
                  <div style={{ width: `${(100 * done) / words.length}%` }} />
                </div>
                <p className="small" data-testid="progress-summary">
                  {done} / {words.length} finished
                  {Object.entries(run.counts).filter(([, n]) => n > 0).map(([phase, n]) => <span key={phase}> · {n} {PHASE_LABEL[phase] ?? phase}</span>)}
                  {run.rejected_before_call > 0 && (
                    <span data-testid="rejected-before-call">
                      {' '}· {run.rejected_before_call} {run.rejected_before_call === 1 ? 'word' : 'words'} rejected before any call
                    </span>
                  )}
                </p>
                <ul className="word-list" data-testid="word-list">
                  {words.map((w) => (
                    <li key={w.map_index} className={`phase-${w.phase}`} data-testid="word-progress" data-word={w.word} data-phase={w.phase}>
                      <span className={`badge phase-${w.phase}`}>{PHASE_LABEL[w.phase] ?? w.phase}</span>
                      <span className="word">{w.word}</span>
                      {w.hint && <span className="muted"> ({w.hint})</span>}
                      {w.attempts > 0 && (
                        <span className="muted small">
                          {' '}· {w.attempts} attempt{w.attempts > 1 ? 's' : ''}
                          {w.provider_errors > 0 && ` (${w.provider_errors} without an answer from the provider)`}
                          {w.try_number > 1 ? `, try ${w.try_number}` : ''}
                        </span>
                      )}
                      {w.phase !== 'done' && w.last_reasons.length > 0 && (
                        <span className="reasons">{w.last_reasons.map((r) => <code key={r}>{r}</code>)}</span>
                      )}
                      {w.phase === 'failed' && (
                        <>
                          {w.failure_reasons.length > 0 && (
                            <div className="small reason-messages">
                              {w.failure_reasons.map((r, i) => <div key={i}><code>{r.code}</code> {r.message}</div>)}
                            </div>
                          )}
                          {w.failure_reasons.length === 0 && w.error && <div className="small reason-messages">{w.error}</div>}
                          <button type="button" className="small-button" onClick={() => void retry(w.map_index)}>Retry</button>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {notice && <p className="error">{notice}</p>}
          </>
        )}
      </section>
      <CardList cards={cards} onChanged={refreshCards} />
    </>
  );
}

function finishedWords(p: ProgressData): number {
  const c = p.run?.counts;
  return c ? (c.done ?? 0) + (c.failed ?? 0) + (c.skipped ?? 0) : 0;
}
