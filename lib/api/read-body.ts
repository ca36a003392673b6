// Request bodies the gate answers itself (before Next): read whole, up to a limit, so a client cannot make the
// server buffer more than the endpoint accepts.
import type { IncomingMessage } from 'node:http';

/** The body as UTF-8 text, or null when it is larger than `maxBytes` (the rest is not read into memory). */
export async function readBodyText(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  return (await readBodyBytes(req, maxBytes))?.toString('utf8') ?? null;
}

/** The body as it came, or null when it is larger than `maxBytes`. */
export async function readBodyBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
