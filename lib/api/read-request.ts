// Turns the raw parts of a request into plain values for the contract's zod schemas: the JSON body (with a size
// cap, read as a stream so a missing or lying Content-Length cannot get past it) and the query string.
import { z } from 'zod';
import { InvalidInputError } from '../kernel/errors';

/** Bodies are small JSON documents; conf for the flashcard DAG is ≤ 100 kB of vocabulary. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

/** The parsed body, or `{}` for an empty one (Airflow clients send `{}`; curl without -d sends nothing). */
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
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError(`the request body is not valid JSON: ${(err as Error).message}`, [
      { path: '(body)', message: 'not valid JSON' },
    ]);
  }
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
