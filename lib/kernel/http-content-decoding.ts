// Undoing an HTTP answer's Content-Encoding, as fetch does for its callers: gzip, deflate and br, in the order they
// were applied; an answer in any other coding is left as it came (fetch's rule too). The decoded size is bounded as
// the wire size is: a few kilobytes of gzip can inflate to gigabytes.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { AnswerTooLargeError } from './http-request';

type Decoder = (body: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Promise<Buffer>;

const gunzip: Decoder = promisify(zlib.gunzip);
const inflate: Decoder = promisify(zlib.inflate);
const inflateRaw: Decoder = promisify(zlib.inflateRaw);
// Servers send "deflate" both zlib-wrapped (as the RFC says) and raw; a zlib header's low nibble is 8.
const inflateEither: Decoder = (body, options) => ((body[0]! & 0x0f) === 0x08 ? inflate : inflateRaw)(body, options);

const DECODERS: Record<string, Decoder> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflateEither,
  br: promisify(zlib.brotliDecompress),
};

/** What a request says it can decode (fetch sends the same, unless told otherwise). */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

export async function decodeContent(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  if (!contentEncoding || body.length === 0) return body;
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0 || codings.some((coding) => !Object.hasOwn(DECODERS, coding))) return body;
  let decoded = body;
  for (const coding of codings.reverse()) {
    try {
      decoded = await DECODERS[coding]!(decoded, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new AnswerTooLargeError(maxBytes);
      throw new Error(`the ${coding}-encoded answer could not be decoded (${(error as Error).message})`, { cause: error });
    }
  }
  return decoded;
}
