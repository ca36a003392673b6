'use client';
// The paste form: counts entries and duplicates as you type (the same pure parser the DAG runs), fills the box from
// a subtitle file if the user picks one, and shows the server's answer per field.
import { useActionState, useEffect, useMemo, useState } from 'react';
import { parseVocabulary, VocabularyError } from '@/lib/flashcards/parse-vocabulary';
import { createDeckRun } from './actions';
import type { NewDeckState } from './new-deck-schema';
import { SubtitlePicker } from './subtitle-picker';

const EMPTY: NewDeckState = { values: {}, fieldErrors: {}, formError: null };

type Live =
  | { ok: true; entries: number; duplicates: Array<{ word: string; line: number; firstLine: number }>; skipped: number; accentVariants: string[][] }
  | { ok: false; message: string; empty: boolean };

function liveCount(text: string): Live {
  try {
    const p = parseVocabulary(text);
    return { ok: true, entries: p.entries.length, duplicates: p.duplicates, skipped: p.skipped.length, accentVariants: p.accentVariants.map((v) => v.words) };
  } catch (err) {
    if (err instanceof VocabularyError) return { ok: false, message: err.message, empty: err.code === 'no_entries' };
    throw err;
  }
}

/** `models`: the ones an Op allows, the default first (ADR 0030); null when unknown (no provider yet): a free field. */
export function NewDeckForm({ defaultMaxChars, maxEntries, models }: { defaultMaxChars: number; maxEntries: number; models: string[] | null }) {
  const [state, action, pending] = useActionState(createDeckRun, EMPTY);
  const [vocabulary, setVocabulary] = useState(state.values.vocabulary ?? '');
  const live = useMemo(() => liveCount(vocabulary), [vocabulary]);
  // A field's server error stays until that field is edited (then the live count speaks for the vocabulary).
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setEdited(new Set()), [state]);
  const markEdited = (name: string) => {
    if (!edited.has(name)) setEdited(new Set([...edited, name]));
  };
  const err = Object.fromEntries(Object.entries(state.fieldErrors).filter(([f]) => !edited.has(f)));
  const v = state.values;
  return (
    <form
      action={action}
      className="form"
      noValidate
      onInput={(e) => {
        const name = (e.target as HTMLInputElement).name;
        if (name) markEdited(name);
      }}
    >
      {state.formError && <p className="error" role="alert" data-testid="form-error">{state.formError}</p>}
      <label>
        <span>Deck name <span className="muted">(the movie)</span></span>
        <input name="deck_name" defaultValue={v.deck_name ?? ''} placeholder="Le Fabuleux Destin d'Amélie Poulain" aria-invalid={!!err.deck_name} />
        {err.deck_name && <span className="field-error" data-testid="error-deck_name">Deck name: {err.deck_name}</span>}
      </label>
      <SubtitlePicker
        vocabulary={vocabulary}
        onVocabularyChange={(text) => {
          setVocabulary(text);
          markEdited('vocabulary');
        }}
      />
      <label>
        <span>Vocabulary <span className="muted">(one per line; <code>word ; hint</code>)</span></span>
        <textarea
          name="vocabulary"
          rows={12}
          value={vocabulary}
          onChange={(e) => setVocabulary(e.target.value)}
          placeholder={'la fève\nun nain de jardin ; garden gnome\nse débrouiller'}
          aria-invalid={!!err.vocabulary}
          spellCheck={false}
        />
        <span className="live-count" data-testid="live-count" aria-live="polite">
          {live.ok ? (
            <>
              <strong>{live.entries}</strong> {live.entries === 1 ? 'entry' : 'entries'} (max {maxEntries})
              {live.duplicates.length > 0 && (
                <> · <strong>{live.duplicates.length}</strong> duplicate{live.duplicates.length > 1 ? 's' : ''} dropped ({live.duplicates.slice(0, 3).map((d) => `“${d.word}” line ${d.line}`).join(', ')}{live.duplicates.length > 3 ? '…' : ''})</>
              )}
              {live.skipped > 0 && <> · {live.skipped} line{live.skipped > 1 ? 's' : ''} skipped</>}
              {live.accentVariants.length > 0 && <> · accent variants kept: {live.accentVariants.map((g) => g.join(' / ')).join('; ')}</>}
            </>
          ) : live.empty ? (
            <>0 entries</>
          ) : (
            <span className="field-error">{live.message}</span>
          )}
        </span>
        {err.vocabulary && <span className="field-error" data-testid="error-vocabulary">Vocabulary: {err.vocabulary}</span>}
      </label>
      <details className="advanced">
        <summary>Advanced</summary>
        <div className="row">
          <label>
            Max example characters
            <input name="max_example_chars" type="number" min={5} max={500} defaultValue={v.max_example_chars ?? String(defaultMaxChars)} aria-invalid={!!err.max_example_chars} />
            {err.max_example_chars && <span className="field-error" data-testid="error-max_example_chars">Max example characters: {err.max_example_chars}</span>}
          </label>
          <label>
            Max re-asks
            <input name="max_reasks" type="number" min={0} max={10} defaultValue={v.max_reasks ?? '3'} aria-invalid={!!err.max_reasks} />
            {err.max_reasks && <span className="field-error" data-testid="error-max_reasks">Max re-asks: {err.max_reasks}</span>}
          </label>
          <label>
            <span>Model <span className="muted">{models ? '(the ones an Op allows)' : '(blank: the configured one)'}</span></span>
            {models ? (
              <select name="model" defaultValue={v.model ?? ''} aria-invalid={!!err.model}>
                <option value="">{`${models[0]} (default)`}</option>
                {models.slice(1).map((m) => <option key={m} value={m}>{m}</option>)}
              </select>
            ) : (
              <input name="model" defaultValue={v.model ?? ''} placeholder="gpt-4o-mini" aria-invalid={!!err.model} />
            )}
            {err.model && <span className="field-error" data-testid="error-model">Model: {err.model}</span>}
          </label>
        </div>
      </details>
      <button type="submit" className="primary" disabled={pending}>{pending ? 'Starting…' : 'Make the cards'}</button>
    </form>
  );
}
