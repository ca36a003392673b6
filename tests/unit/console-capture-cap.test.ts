// Console capture and the per-try log cap (ADR 0032): once a try's log is full, console output is dropped before it
// is formatted, so a task logging big objects in a loop past the cap does not pay for util.format each time.
import { describe, expect, it } from 'vitest';
import { installConsoleCapture, withOutputSink, type OutputSink } from '../../lib/executors/local/console-capture';

installConsoleCapture();

function sink(full: boolean): { sink: OutputSink; lines: string[] } {
  const lines: string[] = [];
  return { sink: Object.assign((_stream: 'stdout' | 'stderr', line: string) => void lines.push(line), { full: () => full }), lines };
}

/** Formatting this object throws: a capture that formats it fails the test. */
const unformattable = { [Symbol.for('nodejs.util.inspect.custom')]: () => { throw new Error('formatted'); } };

describe('console capture at the log cap', () => {
  it('formats and passes lines on while the log has room', () => {
    const open = sink(false);
    withOutputSink(open.sink, () => console.log('a\nb', 1));
    expect(open.lines).toEqual(['a', 'b 1']);
  });

  it('drops output without formatting it once the log is full', () => {
    const closed = sink(true);
    expect(() => withOutputSink(closed.sink, () => console.error(unformattable))).not.toThrow();
    expect(closed.lines).toEqual([]);
  });
});
