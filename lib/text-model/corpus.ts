// The `transform` step of text_to_model: OCR pages → a corpus of labelled samples. Each line of a page is one
// sample, labelled with the image it was read from (`weather.png` → `weather`), so `train` can learn which source a
// sentence comes from; the word counts feed the chart.
import path from 'node:path';
import { z } from 'zod';
import type { OcrPage } from '../ocr/extracted-text';

// English function words: they are on every line and say nothing about which page a line came from.
const STOP_WORDS: ReadonlySet<string> = new Set(
  `a an the and or but if of in on at by to for from with over under into onto as is are was were be been it its
   this that these those they them their he she his her we our you your i me my not no so than then there when
   while after before up down out off all any some can will just`.split(/\s+/u),
);

export const sampleSchema = z.object({ label: z.string(), words: z.array(z.string()) });
export type Sample = z.output<typeof sampleSchema>;

export const corpusSchema = z.object({
  samples: z.array(sampleSchema),
  /** Every word with its count, most frequent first (ties alphabetical). */
  frequencies: z.array(z.object({ word: z.string(), count: z.number().int() })),
});
export type Corpus = z.output<typeof corpusSchema>;

/** Lower-case words of letters, without the function words; OCR noise such as `|` or `—` drops out here. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}+(?:'\p{L}+)?/gu) ?? []).filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

export function buildCorpus(pages: readonly OcrPage[]): Corpus {
  const samples: Sample[] = [];
  const counts = new Map<string, number>();
  for (const page of pages) {
    const label = path.parse(page.image).name;
    for (const line of page.text.split('\n')) {
      const words = contentWords(line);
      if (words.length === 0) continue;
      samples.push({ label, words });
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const frequencies = [...counts].map(([word, count]) => ({ word, count })).sort((a, b) => b.count - a.count || a.word.localeCompare(b.word));
  return { samples, frequencies };
}
