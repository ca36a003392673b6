'use client';
// The candidate words of a subtitle file as checkboxes, most frequent first: filter them, pick, and add the picked
// ones to the vocabulary box — one per line, never a word it already holds, and never past the vocabulary limits.
import { useMemo, useState } from 'react';
import type { SubtitleCandidate } from '@/lib/flashcards/subtitle-candidates';
import { addWordsToVocabulary, listedWordKeys } from '@/lib/flashcards/subtitle-selection';
import { accentlessKey } from '@/lib/flashcards/word-key';

/** Rows rendered at first (a film has a few thousand candidates); "Show more" adds as many again. */
const PAGE = 120;
const TOP = 20;

const capitalized = (key: string) => key.replace(/(^|[-'])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toLocaleUpperCase('fr'));
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export function CandidateList({
  words,
  vocabulary,
  onVocabularyChange,
}: {
  words: { fileName: string; candidates: SubtitleCandidate[]; names: SubtitleCandidate[] };
  vocabulary: string;
  onVocabularyChange(text: string): void;
}) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(PAGE);
  const [notice, setNotice] = useState('');

  const listed = useMemo(() => listedWordKeys(vocabulary), [vocabulary]);
  const matching = useMemo(() => {
    const needle = accentlessKey(filter);
    return needle ? words.candidates.filter((c) => accentlessKey(c.word).includes(needle)) : words.candidates;
  }, [filter, words.candidates]);
  // In the list's order (most frequent first), whatever order they were ticked in.
  const picked = useMemo(() => words.candidates.filter((c) => selected.has(c.word) && !listed.has(c.word)).map((c) => c.word), [words.candidates, selected, listed]);
  const plan = useMemo(() => addWordsToVocabulary(vocabulary, picked), [vocabulary, picked]);

  const toggle = (word: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(word);
    else next.delete(word);
    setSelected(next);
    setNotice('');
  };
  const selectTop = () => {
    setSelected(new Set([...selected, ...matching.filter((c) => !listed.has(c.word)).slice(0, TOP).map((c) => c.word)]));
    setNotice('');
  };
  const add = () => {
    if (picked.length === 0) {
      setNotice('Tick the words to add first.');
      return;
    }
    if (!plan.ok) return; // the limit message is already on screen
    onVocabularyChange(plan.text);
    setSelected(new Set());
    setNotice(`Added ${plural(plan.added.length, 'word')} to the vocabulary.`);
  };

  const cannotAdd = picked.length === 0 || !plan.ok;
  return (
    <fieldset className="candidates" data-testid="candidates">
      <legend>
        Pick words from “{words.fileName}” <span className="muted">— most frequent first</span>
      </legend>
      <div className="candidate-tools">
        <input
          type="search"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setShown(PAGE);
          }}
          // Enter in a text field would submit the deck form.
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.preventDefault();
          }}
          placeholder="Filter words"
          aria-label="Filter the candidate words"
        />
        <button type="button" onClick={selectTop}>Select top {TOP}</button>
        <button type="button" onClick={() => setSelected(new Set())}>Clear</button>
        <button type="button" className="primary" onClick={add} aria-disabled={cannotAdd} aria-describedby="candidate-feedback" data-testid="add-candidates">
          Add {picked.length > 0 ? plural(picked.length, 'word') : 'selected words'}
        </button>
      </div>
      <p id="candidate-feedback" className={`candidate-feedback${plan.ok ? '' : ' field-error'}`} aria-live="polite" data-testid="candidate-feedback">
        {plan.ok ? notice : plan.message}
      </p>
      {matching.length === 0 ? (
        <p className="muted">No candidate word contains “{filter}”.</p>
      ) : (
        <ul className="candidate-list">
          {matching.slice(0, shown).map((c) => {
            const inList = listed.has(c.word);
            return (
              <li key={c.word}>
                <label className={inList ? 'in-list' : undefined}>
                  <input type="checkbox" checked={inList || selected.has(c.word)} disabled={inList} onChange={(e) => toggle(c.word, e.target.checked)} />
                  <span className="candidate-word">{c.word}</span>
                  <span className="candidate-count">{inList ? 'in the list' : `${c.count}×`}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {matching.length > shown && (
        <button type="button" className="small-button" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, matching.length - shown)} more of {plural(matching.length - shown, 'word')} left
        </button>
      )}
      {words.names.length > 0 && (
        <p className="muted small">
          Left out as names: {words.names.slice(0, 12).map((n) => capitalized(n.word)).join(', ')}
          {words.names.length > 12 ? ` and ${words.names.length - 12} more` : ''}.
        </p>
      )}
    </fieldset>
  );
}
