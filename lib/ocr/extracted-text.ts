// What images_to_text's `extract_text` produces and text_to_model reads: one page of text per image. The same shape
// is its result, the `text.json` file in its artifacts folder, and the `pages` conf of the run it triggers.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NonRetriableError } from '../engine/task-context';
import { formatZodIssues } from '../kernel/zod-issues';

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

/** The pages in an `extract_text` artifacts folder; `what` names the run in the error when there are none. */
export async function readExtractedText(folder: string, what: string): Promise<OcrPage[]> {
  const file = path.join(folder, TEXT_FILE);
  const raw = await readFile(file, 'utf8').catch(() => null);
  if (raw === null) throw new NonRetriableError(`no text from ${what}: ${file} does not exist`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new NonRetriableError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = z.array(ocrPageSchema).safeParse(json);
  if (!parsed.success) throw new NonRetriableError(`${file} is not a list of OCR pages: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}
