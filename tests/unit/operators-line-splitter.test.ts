import { describe, expect, it } from 'vitest';
import { lineSplitter } from '../../lib/operators/line-splitter';

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const splitter = lineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

describe('lineSplitter', () => {
  it('joins lines across chunks, strips CR and keeps a last unterminated line', () => {
    expect(split([Buffer.from('a\r\nb'), Buffer.from('c\n\nlast')])).toEqual(['a', 'bc', '', 'last']);
  });

  it('does not break a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('élève\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)])).toEqual(['élève']);
  });

  it('cuts an endless line into pieces instead of buffering it whole', () => {
    const lines = split([Buffer.from('x'.repeat(64 * 1024 + 10))]);
    expect(lines.map((l) => l.length)).toEqual([64 * 1024, 10]);
  });
});
