import { describe, expect, it, vi } from 'vitest';
import type { ExecutorEvent } from '../../../lib/engine/executor-port';
import { UnrecordedStarts } from '../../../lib/engine/unrecorded-starts';

const started = (tiId: string, tryNumber = 1): ExecutorEvent => ({ type: 'started', tiId, tryNumber, pid: 1, hostname: 'h', at: new Date(0) });
const pending = async (p: Promise<void>) => Promise.race([p.then(() => 'recorded', (e: Error) => `rejected: ${e.message}`), new Promise((r) => setTimeout(() => r('waiting'), 5))]);

describe('UnrecordedStarts', () => {
  it('answers at once for a try whose start was never reported or is already written', () => {
    const starts = new UnrecordedStarts();
    const flush = vi.fn();
    expect(starts.whenRecorded('a', 1, flush)).toBeNull();
    starts.received(started('a'));
    starts.settled([started('a')]);
    expect(starts.whenRecorded('a', 1, flush)).toBeNull();
    expect(flush).not.toHaveBeenCalled();
  });

  it('makes a waiter flush the quiet batch and wait until the tick wrote the start of that very try', async () => {
    const starts = new UnrecordedStarts();
    const flush = vi.fn();
    starts.received(started('a', 2));
    expect(starts.whenRecorded('a', 1, flush)).toBeNull(); // another try of the same instance
    const waiting = starts.whenRecorded('a', 2, flush)!;
    expect(flush).toHaveBeenCalledTimes(1);
    starts.settled([started('b')]);
    expect(await pending(waiting)).toBe('waiting');
    starts.settled([started('a', 2)]);
    expect(await pending(waiting)).toBe('recorded');
  });

  it('fails the waiters when the scheduler stopped before writing their start', async () => {
    const starts = new UnrecordedStarts();
    starts.received(started('b'));
    const b = starts.whenRecorded('b', 1, () => {})!;
    starts.abandon('stopped');
    expect(await pending(b)).toBe('rejected: stopped');
  });
});
