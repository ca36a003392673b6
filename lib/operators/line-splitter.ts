// Turns a byte stream into lines, without splitting multi-byte characters or losing a last unterminated line.
import { StringDecoder } from 'node:string_decoder';

/** Longest line kept whole; longer output without a newline is emitted in pieces of this size. */
const MAX_LINE_CHARS = 64 * 1024;

export function lineSplitter(onLine: (line: string) => void): { write(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  const push = (text: string) => {
    buffered += text;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      onLine(stripCr(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
    }
    while (buffered.length > MAX_LINE_CHARS) {
      onLine(buffered.slice(0, MAX_LINE_CHARS));
      buffered = buffered.slice(MAX_LINE_CHARS);
    }
  };
  return {
    write: (chunk) => push(decoder.write(chunk)),
    end: () => {
      push(decoder.end());
      if (buffered !== '') onLine(stripCr(buffered));
      buffered = '';
    },
  };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
