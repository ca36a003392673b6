// Subtitle text (.srt / .vtt) → candidate words for the vocabulary form: cue numbers, timestamps, headers, NOTE/STYLE
// blocks and markup are dropped; the dialogue is split into words, elided articles and pronouns (l', qu', j'…) and
// the commonest function words removed. The user picks from the candidates; nothing here calls a model.
import { normalizeText, wordKey } from './word-key';

const TIMESTAMP_LINE = /-->/;
const CUE_NUMBER = /^\d+$/;
const ELISION = /^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]/iu;

// Articles, pronouns, prepositions, auxiliaries: never worth a card on their own.
const STOP_WORDS = new Set(
  (
    'le la les un une des du de d au aux à a et ou où mais donc or ni car que qui quoi ce cet cette ces ça ca se ' +
    'je tu il elle on nous vous ils elles me te lui leur y en ne pas plus moi toi soi mon ma mes ton ta tes son sa ' +
    'ses notre nos votre vos leurs est es suis sommes êtes sont était ai as avons avez ont avait été être avoir ' +
    'dans sur sous par pour avec sans chez vers entre si oui non bon bien très tout tous toute toutes aussi comme ' +
    'quand alors là ici fait faire va vais vas allez oh ah eh hein euh bah ben hé'
  ).split(' '),
);

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
        .replace(/^-\s*/u, ''), // dialogue dash
    );
    if (dialogue) lines.push(dialogue);
  }
  return lines;
}

export interface SubtitleWord {
  word: string;
  count: number;
}

/** Distinct candidate words in order of first appearance, with how often each occurs. */
export function subtitleCandidates(text: string, options: { minLength?: number } = {}): SubtitleWord[] {
  const minLength = options.minLength ?? 3;
  const segmenter = new Intl.Segmenter('fr', { granularity: 'word' });
  const byKey = new Map<string, SubtitleWord>();
  for (const line of subtitleDialogue(text)) {
    for (const { segment, isWordLike } of segmenter.segment(line)) {
      if (!isWordLike) continue;
      const word = segment.replace(ELISION, '');
      const key = wordKey(word);
      if ([...key].length < minLength || STOP_WORDS.has(key) || !/\p{L}/u.test(key) || /\d/u.test(key)) continue;
      const known = byKey.get(key);
      if (known) known.count += 1;
      else byKey.set(key, { word: key, count: 1 });
    }
  }
  return [...byKey.values()];
}
