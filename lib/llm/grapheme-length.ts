// Lengths as a reader perceives them: Intl.Segmenter graphemes after NFC, so "é" counts one whether it arrived
// composed (U+00E9) or decomposed (e + U+0301), and "œ" counts one.

const segmenter = new Intl.Segmenter('fr', { granularity: 'grapheme' });

export function graphemeLength(text: string): number {
  let count = 0;
  for (const _ of segmenter.segment(text.normalize('NFC'))) count++;
  return count;
}
