'use client';
// A deck's cards: front and back with their lengths against the limit, and edit / flag / delete through the REST
// API (PATCH and DELETE /api/v1/cards/{id}); a refused edit shows the card rule it broke under its field. An edit
// says which version it started from: when the card changed meanwhile (another edit, a regeneration) the API answers
// 409 and the form shows the card as it is now beside the draft, instead of silently overwriting it.
import { useState } from 'react';
import { csrfHeader } from '../../csrf-header';
import type { CardView } from './deck-types';

const FIELDS = [
  ['french_word', 'French word'],
  ['french_example', 'French example'],
  ['english_word', 'English word'],
  ['english_translation', 'English translation'],
] as const;
type Field = (typeof FIELDS)[number][0];

interface Problem {
  status?: number;
  detail?: string;
  fields?: Array<{ path: string; message: string }>;
}

async function send(method: 'PATCH' | 'DELETE', cardId: number, body?: unknown): Promise<Problem | null> {
  const res = await fetch(`/api/v1/cards/${cardId}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...csrfHeader() },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.ok) return null;
  try {
    return { ...((await res.json()) as Problem), status: res.status };
  } catch {
    return { status: res.status, detail: `The server answered ${res.status}.` };
  }
}

function Length({ n, max }: { n: number | null; max: number }) {
  if (n === null) return null;
  return <span className={`len ${n >= max ? 'over' : ''}`} title={`must be fewer than ${max} characters`}>{n}/{max}</span>;
}

export function CardList({ cards, onChanged }: { cards: CardView[]; onChanged: () => Promise<void> }) {
  if (cards.length === 0) return <section className="panel"><h2>Cards</h2><p className="muted">No cards yet.</p></section>;
  return (
    <section className="panel">
      <h2>Cards <span className="muted small">({cards.filter((c) => c.status === 'valid').length} valid of {cards.length})</span></h2>
      <ul className="card-list" data-testid="card-list">
        {cards.map((c) => <CardItem key={c.card_id} card={c} onChanged={onChanged} />)}
      </ul>
    </section>
  );
}

function CardItem({ card, onChanged }: { card: CardView; onChanged: () => Promise<void> }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'flag'>('view');
  const current = (): Record<Field, string> => ({
    french_word: card.french_word ?? card.word,
    french_example: card.french_example ?? '',
    english_word: card.english_word ?? '',
    english_translation: card.english_translation ?? '',
  });
  const [draft, setDraft] = useState<Record<Field, string>>(current);
  // The version the draft started from, sent with the edit; a 409 means the card has moved on since.
  const [baseVersion, setBaseVersion] = useState(card.version);
  const [conflict, setConflict] = useState<string | null>(null);
  const [flagReason, setFlagReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const act = async (method: 'PATCH' | 'DELETE', body?: unknown) => {
    setBusy(true);
    const problem = await send(method, card.card_id, body);
    setBusy(false);
    if (problem?.status === 409 && method === 'PATCH' && mode === 'edit') {
      setErrors({});
      setConflict(problem.detail ?? 'This card was changed since you opened it.');
      await onChanged(); // shows the card as it is now
      return;
    }
    if (problem) {
      const byField: Record<string, string> = {};
      for (const f of problem.fields ?? []) byField[f.path] ??= f.message;
      if (Object.keys(byField).length === 0) byField['(body)'] = problem.detail ?? 'Refused.';
      setErrors(byField);
      return;
    }
    setErrors({});
    setConflict(null);
    setMode('view');
    await onChanged();
  };
  const startEdit = () => {
    setDraft(current());
    setBaseVersion(card.version);
    setConflict(null);
    setMode('edit');
  };

  return (
    <li className={`flashcard status-${card.status} ${card.flagged ? 'flagged' : ''}`} data-testid="card" data-word={card.word}>
      <div className="card-head">
        <span className="word">{card.word}</span>
        <span className={`badge status-${card.status}`}>{card.status}</span>
        {card.flagged && <span className="badge flagged" title={card.flag_reason ?? ''}>flagged</span>}
        {card.edited_at && <span className="muted small">edited</span>}
      </div>
      {mode !== 'edit' && card.french_word !== null && (
        <div className="faces">
          <div className="face front">
            <div className="fw">{card.french_word}</div>
            <div className="ex" data-testid="card-front">{card.french_example} <Length n={card.example_length} max={card.max_chars} /></div>
          </div>
          <div className="face back">
            <div className="fw">{card.english_word}</div>
            <div className="ex" data-testid="card-back">{card.english_translation} <Length n={card.translation_length} max={card.max_chars} /></div>
          </div>
        </div>
      )}
      {card.status === 'failed' && card.failure_reasons.length > 0 && mode !== 'edit' && (
        <div className="small reason-messages">{card.failure_reasons.map((r, i) => <div key={i}><code>{r.code}</code> {r.message}</div>)}</div>
      )}
      {card.flagged && card.flag_reason && mode === 'view' && <div className="small muted">Flag: {card.flag_reason}</div>}
      {mode === 'edit' && (
        <form className="edit-form" onSubmit={(e) => { e.preventDefault(); void act('PATCH', { ...draft, version: baseVersion }); }}>
          {conflict && (
            <div className="field-error conflict" role="alert" data-testid="edit-conflict">
              <p>{conflict}</p>
              <p className="small">
                Now: “{card.french_example ?? '—'}” / “{card.english_translation ?? '—'}”. Your draft is below.
              </p>
              <div className="ff-actions">
                <button type="button" className="small-button" onClick={() => { setBaseVersion(card.version); setConflict(null); }}>
                  Keep my draft over it
                </button>
                <button type="button" className="small-button" onClick={startEdit}>Start again from the current card</button>
              </div>
            </div>
          )}
          {FIELDS.map(([f, label]) => (
            <label key={f}>
              {label}
              <input value={draft[f]} onChange={(e) => setDraft({ ...draft, [f]: e.target.value })} aria-invalid={!!errors[f]} name={f} />
              {errors[f] && <span className="field-error" data-testid={`edit-error-${f}`}>{label}: {errors[f]}</span>}
            </label>
          ))}
          {errors['(body)'] && <span className="field-error">{errors['(body)']}</span>}
          <div className="ff-actions">
            <button type="submit" className="primary" disabled={busy || conflict !== null}>Save</button>
            <button type="button" onClick={() => { setMode('view'); setErrors({}); setConflict(null); }}>Cancel</button>
          </div>
        </form>
      )}
      {mode === 'flag' && (
        <form className="edit-form" onSubmit={(e) => { e.preventDefault(); void act('PATCH', { flagged: true, flag_reason: flagReason }); }}>
          <label>
            What is wrong?
            <input value={flagReason} onChange={(e) => setFlagReason(e.target.value)} name="flag_reason" aria-invalid={!!errors.flag_reason} />
            {errors.flag_reason && <span className="field-error">Reason: {errors.flag_reason}</span>}
          </label>
          {errors['(body)'] && <span className="field-error">{errors['(body)']}</span>}
          <div className="ff-actions">
            <button type="submit" className="primary" disabled={busy}>Flag</button>
            <button type="button" onClick={() => { setMode('view'); setErrors({}); }}>Cancel</button>
          </div>
        </form>
      )}
      {mode === 'view' && (
        <div className="ff-actions">
          <button type="button" className="small-button" onClick={startEdit}>Edit</button>
          {card.status === 'valid' && !card.flagged && <button type="button" className="small-button" onClick={() => setMode('flag')}>Flag</button>}
          {card.flagged && <button type="button" className="small-button" disabled={busy} onClick={() => void act('PATCH', { flagged: false })}>Unflag</button>}
          <button
            type="button"
            className="small-button danger"
            disabled={busy}
            onClick={() => { if (window.confirm(`Delete the card for “${card.word}” and its review history?`)) void act('DELETE'); }}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
