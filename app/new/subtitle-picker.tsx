'use client';
// Pick or drop the movie's .srt/.vtt file and choose words from it for the vocabulary box.
// Parsed in the browser, not by a server action: the file never leaves the user's computer, a 2 MB file does not
// meet the action's 1 MB body limit, and the words appear without a round trip.
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatFileSize, SUBTITLE_FILE_LIMITS } from '@/lib/flashcards/subtitle-file';
import { CandidateList } from './candidate-list';
import { extractSubtitleWords, type ExtractionProgress, type SubtitleWords } from './extract-subtitle-words';

type Phase =
  | { kind: 'idle' }
  | ({ kind: 'working'; fileName: string; size: number } & ExtractionProgress)
  | { kind: 'done'; words: SubtitleWords; job: number };

const ENCODING_NAMES = { 'utf-16le': 'UTF-16', 'utf-16be': 'UTF-16', 'windows-1252': 'Windows-1252 (Latin-1)' } as const;

export function SubtitlePicker({ vocabulary, onVocabularyChange }: { vocabulary: string; onVocabularyChange(text: string): void }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  // Each file gets a number; an extraction whose number is no longer current stops (another file was picked).
  const job = useRef(0);

  const take = useCallback(async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    if (files.length > 1) {
      setPhase({ kind: 'done', job: ++job.current, words: { ok: false, message: `${files.length} files were dropped: drop one subtitle file at a time.` } });
      return;
    }
    const file = files[0]!;
    const mine = ++job.current;
    setPhase({ kind: 'working', fileName: file.name, size: file.size, step: 'reading', fraction: 0 });
    const words = await extractSubtitleWords(
      file,
      (progress) => {
        if (job.current === mine) setPhase({ kind: 'working', fileName: file.name, size: file.size, ...progress });
      },
      () => job.current !== mine,
    );
    if (words && job.current === mine) setPhase({ kind: 'done', job: mine, words });
  }, []);

  // A file dropped anywhere on the page, the vocabulary box included, is read here: left to the browser, it would
  // open the file in place of the page and lose what was typed. Dragged text still drops into the box as usual.
  useEffect(() => {
    const carriesFiles = (e: globalThis.DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const over = (e: globalThis.DragEvent) => {
      if (carriesFiles(e)) e.preventDefault();
    };
    const drop = (e: globalThis.DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      void take(e.dataTransfer?.files ?? null);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [take]);

  return (
    <section className="subtitles" aria-labelledby="subtitles-title" data-testid="subtitles">
      <h2 id="subtitles-title">
        Words from the subtitles <span className="muted">(optional)</span>
      </h2>
      <label
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragEnter={() => setDragging(true)}
        onDragLeave={(e) => {
          // Also fired when the pointer moves onto a child of the zone: only leaving the zone itself counts.
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
      >
        <input
          type="file"
          accept=".srt,.vtt"
          className="sr-only"
          data-testid="subtitle-file"
          onChange={(e) => {
            void take(e.target.files);
            e.target.value = ''; // so that picking the same file again reads it again
          }}
        />
        <span>
          Drop the movie’s <code>.srt</code> or <code>.vtt</code> file here, or <span className="drop-zone-action">choose a file</span>
        </span>
        <span className="muted small">
          Read on this computer, never uploaded · up to {formatFileSize(SUBTITLE_FILE_LIMITS.maxBytes)} · you pick which words to add
        </span>
      </label>
      <Status phase={phase} />
      {phase.kind === 'done' && phase.words.ok && (
        <CandidateList key={phase.job} words={phase.words} vocabulary={vocabulary} onVocabularyChange={onVocabularyChange} />
      )}
    </section>
  );
}

function Status({ phase }: { phase: Phase }) {
  if (phase.kind === 'done' && !phase.words.ok) {
    return <p className="field-error subtitle-message" role="alert" data-testid="subtitle-error">{phase.words.message}</p>;
  }
  // The words change once per step (a screen reader announces each); the percentage is the progress bar's.
  let text = '';
  if (phase.kind === 'working') {
    text = phase.step === 'reading' ? `Reading “${phase.fileName}” (${formatFileSize(phase.size)})…` : `Finding the words of “${phase.fileName}”…`;
  } else if (phase.kind === 'done' && phase.words.ok) {
    const { candidates, lines, fileName, encoding } = phase.words;
    text = `${candidates.length.toLocaleString('en-US')} candidate word${candidates.length === 1 ? '' : 's'} in ${lines.toLocaleString('en-US')} subtitle line${lines === 1 ? '' : 's'} of “${fileName}”`;
    if (encoding !== 'utf-8') text += `, read as ${ENCODING_NAMES[encoding]}`;
    text += '.';
  }
  return (
    <p className="subtitle-message muted" role="status" data-testid="subtitle-status">
      {text}
      {phase.kind === 'working' && (
        <>
          {' '}
          <progress max={100} value={Math.round(phase.fraction * 100)} aria-label="Progress" /> <span aria-hidden="true">{Math.round(phase.fraction * 100)}%</span>
        </>
      )}
    </p>
  );
}
