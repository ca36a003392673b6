// What images_to_text's `extract_text` produces and text_to_model reads: one page of text per image. The same shape
// is its result, the `text.json` file in its artifacts folder, and the `pages` conf of the run it triggers.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const ocrPageSchema = z.object({
  /** The downloaded image the text was read from. */
  image: z.string(),
  text: z.string(),
  /** Tesseract's mean word confidence, 0–100. */
  confidence: z.number(),
});
export type OcrPage = z.output<typeof ocrPageSchema>;

export const extractedTextSchema = z.object({
  pages: z.array(ocrPageSchema),
  /** Words read over all pages. */
  words: z.number().int(),
  /** The pages as JSON in the task's artifacts folder. */
  textFile: z.string(),
});
export type ExtractedText = z.output<typeof extractedTextSchema>;

export const TEXT_FILE = 'text.json';

export async function writeExtractedText(folder: string, pages: OcrPage[]): Promise<ExtractedText> {
  await mkdir(folder, { recursive: true });
  const textFile = path.join(folder, TEXT_FILE);
  await writeFile(textFile, `${JSON.stringify(pages, null, 2)}\n`);
  const words = pages.reduce((n, p) => n + (p.text.match(/\S+/g)?.length ?? 0), 0);
  return { pages, words, textFile };
}
