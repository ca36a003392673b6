// The browser side of reading a picked subtitle file: bytes with read progress, the pure checks and decoding of
// lib/flashcards/subtitle-file, then candidate extraction in batches that yield to the page so it can show progress.
import { subtitleDialogue } from '@/lib/flashcards/parse-subtitles';
import { candidateCollector, type SubtitleCandidates } from '@/lib/flashcards/subtitle-candidates';
import { readSubtitleFile, subtitleFileProblem, type SubtitleEncoding } from '@/lib/flashcards/subtitle-file';

export type ExtractionProgress = { step: 'reading' | 'extracting'; fraction: number };

export type SubtitleWords =
  | ({ ok: true; fileName: string; encoding: SubtitleEncoding; lines: number } & SubtitleCandidates)
  | { ok: false; message: string };

/** Lines counted between two yields: a 2 MB file has ~40,000, so the bar moves about 80 times. */
const BATCH_LINES = 500;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function readBytes(file: File, onProgress: (fraction: number) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsArrayBuffer(file);
  });
}

/**
 * File → candidate words. `cancelled` is asked between batches, so picking another file stops this one;
 * a cancelled extraction resolves to null.
 */
export async function extractSubtitleWords(
  file: File,
  onProgress: (progress: ExtractionProgress) => void,
  cancelled: () => boolean,
): Promise<SubtitleWords | null> {
  const early = subtitleFileProblem(file);
  if (early) return { ok: false, message: early.message };
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(file, (fraction) => onProgress({ step: 'reading', fraction }));
  } catch {
    return { ok: false, message: `“${file.name}” could not be read: check that the file is still there and try again.` };
  }
  if (cancelled()) return null;
  const read = readSubtitleFile(file, bytes);
  if (!read.ok) return { ok: false, message: read.problem.message };

  onProgress({ step: 'extracting', fraction: 0 });
  await nextTask();
  const dialogue = subtitleDialogue(read.text);
  const collector = candidateCollector();
  for (let start = 0; start < dialogue.length; start += BATCH_LINES) {
    for (const line of dialogue.slice(start, start + BATCH_LINES)) collector.addLine(line);
    onProgress({ step: 'extracting', fraction: Math.min(1, (start + BATCH_LINES) / dialogue.length) });
    await nextTask();
    if (cancelled()) return null;
  }
  const words = collector.result();
  if (words.candidates.length === 0) {
    return { ok: false, message: `“${file.name}” has subtitles but no words to offer: its dialogue is only names, numbers and short words.` };
  }
  return { ok: true, fileName: file.name, encoding: read.encoding, lines: dialogue.length, ...words };
}
