// Subtitle text (.srt / .vtt) → its dialogue: cue numbers, timestamps, headers, NOTE/STYLE/REGION blocks, markup,
// sound descriptions and speaker labels are dropped. subtitle-candidates.ts turns the dialogue into words to pick.
import { normalizeText } from './word-key';

const TIMESTAMP_LINE = /-->/;
const CUE_NUMBER = /^\d+$/;
// "JEAN : …", "M. DUPONT: …" in subtitles for the deaf and hard of hearing: a name, not dialogue.
const SPEAKER_LABEL = /^[\p{Lu}][\p{Lu}\p{M}.'’ -]*\s?:\s+(?=\S)/u;

export function looksLikeSubtitles(text: string): boolean {
  return /^WEBVTT/u.test(text.trimStart()) || /\d{1,2}:\d{2}:\d{2}[,.]\d{3}\s*-->/u.test(text);
}

/** The dialogue lines of an .srt or .vtt file, markup removed. */
export function subtitleDialogue(text: string): string[] {
  const lines: string[] = [];
  let skippingBlock = false;
  const raw = text.replace(/^\uFEFF/u, '').split(/\r\n|\r|\n/);
  for (const [index, rawLine] of raw.entries()) {
    const line = rawLine.trim();
    if (line === '') {
      skippingBlock = false;
      continue;
    }
    if (skippingBlock) continue;
    if (/^(WEBVTT|NOTE|STYLE|REGION)\b/u.test(line)) {
      skippingBlock = true; // A header or NOTE/STYLE/REGION block lasts until the next blank line.
      continue;
    }
    // The timing line, and the cue identifier just before it (a number in .srt, any text in .vtt).
    if (TIMESTAMP_LINE.test(line) || CUE_NUMBER.test(line) || TIMESTAMP_LINE.test(raw[index + 1] ?? '')) continue;
    const dialogue = normalizeText(
      line
        .replace(/<[^>]*>/g, '') // <i>, <b>, <font …>, <c.yellow>, <00:00:01.000>
        .replace(/\{\\[^}]*\}/g, ' ') // {\an8} and other ASS overrides
        .replace(/\[[^\]]*\]|\([^)]*\)/g, ' ') // [music], (rires): sound descriptions
        .replace(/[♪♫]/gu, ' ')
        .replace(/^\s*-\s*/u, '') // dialogue dash
        .replace(SPEAKER_LABEL, ''),
    );
    if (dialogue) lines.push(dialogue);
  }
  return lines;
}
