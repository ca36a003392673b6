// The `download_images` step of images_to_text: copies each image named by a URL into a folder. `http(s)://` is a
// GET; `file://` is a copy, so the bundled sample images work with no server and no network.
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NonRetriableError } from '../engine/task-context';

/** Larger than any image worth reading on one page; a guard against downloading something that is not one. */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 60_000;

export const fetchedImageSchema = z.object({
  /** File name in the task's folder, unique within the run. */
  name: z.string(),
  url: z.string(),
  path: z.string(),
  bytes: z.number().int(),
});
export type FetchedImage = z.output<typeof fetchedImageSchema>;

export async function fetchImages(urls: readonly string[], folder: string, signal: AbortSignal): Promise<FetchedImage[]> {
  await mkdir(folder, { recursive: true });
  const taken = new Set<string>();
  const images: FetchedImage[] = [];
  for (const url of urls) {
    const name = uniqueName(url, taken);
    const target = path.join(folder, name);
    const bytes = await fetchOne(new URL(url), target, signal);
    images.push({ name, url, path: target, bytes });
  }
  return images;
}

async function fetchOne(url: URL, target: string, signal: AbortSignal): Promise<number> {
  if (url.protocol === 'file:') {
    const source = fileURLToPath(url);
    const info = await stat(source).catch(() => null);
    if (!info?.isFile()) throw new NonRetriableError(`image ${url.href}: no such file (${source})`);
    if (info.size > MAX_IMAGE_BYTES) throw new NonRetriableError(`image ${url.href} is ${info.size} bytes, over the ${MAX_IMAGE_BYTES}-byte limit`);
    await copyFile(source, target);
    return info.size;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NonRetriableError(`image ${url.href}: only http, https and file URLs are fetched`);
  }
  const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) });
  if (!response.ok) {
    const message = `GET ${url.href} answered ${response.status} ${response.statusText}`;
    // A server error may pass; a missing or forbidden image will not, so retrying it only delays the failure.
    throw response.status >= 500 || response.status === 429 ? new Error(message) : new NonRetriableError(message);
  }
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > MAX_IMAGE_BYTES) throw new NonRetriableError(`image ${url.href} is ${body.length} bytes, over the ${MAX_IMAGE_BYTES}-byte limit`);
  await writeFile(target, body);
  return body.length;
}

/** The URL's last path segment, made unique: two sources may both call their image `scan.png`. */
function uniqueName(url: string, taken: Set<string>): string {
  const base = (new URL(url).pathname.split('/').pop() ?? '').replace(/[^\w.-]/g, '_').replace(/^\.+/, '') || 'image';
  const { name, ext } = path.parse(base);
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}-${n}${ext}`;
  taken.add(candidate);
  return candidate;
}
