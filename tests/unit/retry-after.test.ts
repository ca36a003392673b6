import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../lib/kernel/retry-after';

const now = new Date('2026-12-07T12:00:00Z');

describe('Retry-After', () => {
  it('reads seconds, fractions included', () => {
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.25', now)).toBe(250);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date as the time left until it, and a date already past as no wait', () => {
    expect(retryAfterMs('Mon, 07 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('is null when absent, empty, negative or not a date', () => {
    for (const value of [null, undefined, '', '   ', '-3', 'soon']) expect(retryAfterMs(value, now)).toBeNull();
  });
});
