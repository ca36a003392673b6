// Turns the raw parts of a request into plain values for the contract's zod schemas: the JSON body (with a size
// cap, read as a stream so a missing or lying Content-Length cannot get past it) and the query string.
import { z } from 'zod';
import { InvalidInputError } from '../kernel/errors';
import { isJsonMediaType } from './media-type';

/** Bodies are small JSON documents; conf for the flashcard DAG is ≤ 100 kB of vocabulary. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

/** A body the endpoint cannot read as JSON because it is declared as something else (415, as Airflow answers). */
export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
}

/**
 * The parsed body, or `{}` for an empty one (Airflow clients send `{}`; curl without -d sends nothing). A body
 * must say it is JSON: text/plain (or curl -d's form encoding) is refused rather than guessed at, as Airflow does.
 */
export async function readJsonBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return {};
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks));
  if (text.trim() === '') return {};
  const contentType = req.headers.get('content-type');
  if (!isJsonMediaType(contentType)) {
    throw new UnsupportedMediaTypeError(
      `the request body is ${contentType ? `'${contentType}'` : 'sent without a Content-Type'}; send it as JSON with Content-Type: application/json`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError(`the request body is not valid JSON: ${(err as Error).message}`, [
      { path: '(body)', message: 'not valid JSON' },
    ]);
  }
  const at = nulPath(body, []);
  if (at) {
    const path = at.join('.') || '(body)';
    throw new InvalidInputError(`${path} contains a NUL character (\\u0000), which no field accepts`, [{ path, message: 'contains a NUL character' }]);
  }
  return body;
}

/** Where a string (or key) holds U+0000, which PostgreSQL cannot store in text or jsonb; null when none does. */
function nulPath(value: unknown, at: string[]): string[] | null {
  if (typeof value === 'string') return value.includes('\0') ? at : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\0')) return [...at, key];
    const found = nulPath(item, [...at, key]);
    if (found) return found;
  }
  return null;
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`the request body is larger than ${Math.round(maxBytes / 1024)} KiB`);
}

/**
 * The query string as an object for `schema`: fields declared as arrays collect every repetition
 * (`?state=a&state=b`), and those marked `explode: false` (update_mask) also split on commas, as Airflow's do.
 */
export function queryObject(schema: z.ZodObject, params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const values = params.getAll(key);
    if (values.length === 0) continue;
    if (!isArraySchema(field as z.ZodType)) {
      out[key] = values[values.length - 1];
      continue;
    }
    const explode = z.globalRegistry.get(field as z.ZodType)?.explode !== false;
    out[key] = explode ? values : values.flatMap((v) => v.split(',')).filter((v) => v !== '');
  }
  return out;
}

function isArraySchema(schema: z.ZodType): boolean {
  let s: z.core.$ZodType = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType };
    if (def.type === 'array') return true;
    if (!def.innerType) return false;
    s = def.innerType;
  }
}

/** Airflow answers text/plain only when the client asks for it and not for JSON. */
export function wantsTextPlain(req: Request): boolean {
  const accept = req.headers.get('accept') ?? '';
  return accept.includes('text/plain') && !accept.includes('application/json');
}
