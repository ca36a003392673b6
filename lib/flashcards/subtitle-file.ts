// A subtitle file the user picked → its text, or a message naming what is wrong with it. French .srt files are
// often Windows-1252 (Latin-1) rather than UTF-8, so invalid UTF-8 falls back to it instead of showing "Ã©".
// Pure (bytes in, text out): the /new page runs it in the browser and the tests feed it byte arrays.
import { looksLikeSubtitles } from './parse-subtitles';

export const SUBTITLE_FILE_LIMITS = {
  /** Bytes: a two-hour film's subtitles are 50–150 kB, so 2 MB is anything but subtitles. */
  maxBytes: 2 * 1024 * 1024,
  extensions: ['.srt', '.vtt'],
} as const;

export type SubtitleEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export type SubtitleFileProblemCode = 'not_subtitles' | 'too_large' | 'empty' | 'binary' | 'no_cues';

export interface SubtitleFileProblem {
  code: SubtitleFileProblemCode;
  /** Names the file and says what to do, for the page to show as it is. */
  message: string;
}

export type SubtitleText = { ok: true; text: string; encoding: SubtitleEncoding } | { ok: false; problem: SubtitleFileProblem };

export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/u, '')} MB`;
}

/** What can be told from the name and size alone, before reading a byte. */
export function subtitleFileProblem(file: { name: string; size: number }): SubtitleFileProblem | null {
  const extension = /\.[^./\\]+$/u.exec(file.name.toLowerCase())?.[0] ?? '';
  if (!(SUBTITLE_FILE_LIMITS.extensions as readonly string[]).includes(extension)) {
    return {
      code: 'not_subtitles',
      message: `“${file.name}” is not a subtitle file: choose an .srt or .vtt file (the subtitles of the movie).`,
    };
  }
  if (file.size > SUBTITLE_FILE_LIMITS.maxBytes) {
    let size = formatFileSize(file.size);
    const limit = formatFileSize(SUBTITLE_FILE_LIMITS.maxBytes);
    // Just over the limit both round to "2 MB": say it in bytes then.
    if (size === limit) size = `${file.size.toLocaleString('en-US')} bytes`;
    return { code: 'too_large', message: `“${file.name}” is ${size}; a subtitle file may be at most ${limit}.` };
  }
  if (file.size === 0) return { code: 'empty', message: `“${file.name}” is empty.` };
  return null;
}

// WHATWG's windows-1252 for bytes 0x80–0x9F (œ, ’, «…», €). Node 20.18.3+ decodes them as Latin-1 control characters
// (nodejs/node#60888), browsers do not: mapping the controls afterwards gives the same text everywhere.
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/gu, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!);
}

/** UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 — which decodes any byte. */
export function decodeSubtitleBytes(bytes: Uint8Array): { text: string; encoding: SubtitleEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}

/** The whole check: name, size, bytes that are text, and text that has subtitle cues. */
export function readSubtitleFile(file: { name: string }, bytes: Uint8Array): SubtitleText {
  const early = subtitleFileProblem({ name: file.name, size: bytes.length });
  if (early) return { ok: false, problem: early };
  const { text, encoding } = decodeSubtitleBytes(bytes);
  // A NUL never occurs in text: an image or archive renamed .srt.
  if (text.includes('\u0000')) {
    return { ok: false, problem: { code: 'binary', message: `“${file.name}” is not a text file: choose the .srt or .vtt file itself.` } };
  }
  if (text.trim() === '') return { ok: false, problem: { code: 'empty', message: `“${file.name}” is empty.` } };
  if (!looksLikeSubtitles(text)) {
    return {
      ok: false,
      problem: {
        code: 'no_cues',
        message: `“${file.name}” has no subtitle cues: an .srt or .vtt file has timing lines like 00:01:02,000 --> 00:01:04,500.`,
      },
    };
  }
  return { ok: true, text, encoding };
}
