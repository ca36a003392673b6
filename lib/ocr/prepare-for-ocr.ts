// The `process_images` step of images_to_text: what OCR reads best is large, flat, black-on-white text. Each image
// is resized (small scans are scaled up so letters get enough pixels), turned grayscale, stretched to full
// contrast and, unless told not to, thresholded to pure black and white.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NonRetriableError } from '../engine/task-context';

export const preparedImageSchema = z.object({
  /** The downloaded image it was made from. */
  name: z.string(),
  path: z.string(),
  width: z.number().int(),
  height: z.number().int(),
});
export type PreparedImage = z.output<typeof preparedImageSchema>;

export interface PrepareOptions {
  /** Width in pixels every image is scaled to, keeping its aspect ratio. */
  width: number;
  /** Gray level (1–254) below which a pixel becomes black, above which white; null keeps the grays. */
  threshold: number | null;
}

export async function prepareForOcr(image: { name: string; path: string }, folder: string, opts: PrepareOptions): Promise<PreparedImage> {
  // Imported here, not at the top: the DAG file is parsed often, and sharp loads a native library.
  const { default: sharp } = await import('sharp');
  await mkdir(folder, { recursive: true });
  // Names stay unique: `scan.jpg` and `scan.png` from one run become `scan.jpg.png` and `scan.png`.
  const target = path.join(folder, image.name.endsWith('.png') ? image.name : `${image.name}.png`);
  let pipeline = sharp(image.path).resize({ width: opts.width }).grayscale().normalise();
  if (opts.threshold !== null) pipeline = pipeline.threshold(opts.threshold);
  try {
    const info = await pipeline.png().toFile(target);
    return { name: image.name, path: target, width: info.width, height: info.height };
  } catch (err) {
    // Not an image, or a truncated one: the same file fails the same way on every retry.
    throw new NonRetriableError(`${image.name} is not an image sharp can read: ${(err as Error).message}`);
  }
}
