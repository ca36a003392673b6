import { describe, expect, it } from 'vitest';
import { nextRetryDelay, taskRetryPolicy } from '../../../lib/kernel/retry-policy';
import { parseDuration } from '../../../lib/engine/duration';

const task = { retries: 3, retry_delay_ms: 60_000, retry_exponential_backoff: false, max_retry_delay_ms: null };

describe('retry policy', () => {
  it('waits the retry delay before each retry and stops after the last', () => {
    const p = taskRetryPolicy(task);
    expect([2, 3, 4].map((n) => nextRetryDelay(p, n))).toEqual([60_000, 60_000, 60_000]);
    expect(nextRetryDelay(p, 5)).toBeNull();
  });

  it('doubles the delay with exponential backoff and caps it at maxRetryDelay', () => {
    const p = taskRetryPolicy({ ...task, retries: 6, retry_exponential_backoff: true, max_retry_delay_ms: 300_000 });
    const noJitter = () => 0;
    expect([2, 3, 4, 5].map((n) => nextRetryDelay(p, n, noJitter))).toEqual([60_000, 120_000, 240_000, 300_000]);
  });

  it('adds bounded jitter to backoff so retries do not stampede', () => {
    const p = taskRetryPolicy({ ...task, retry_exponential_backoff: true });
    const d = nextRetryDelay(p, 3, () => 1)!;
    expect(d).toBeGreaterThan(120_000);
    expect(d).toBeLessThanOrEqual(132_000);
  });

  it('parses durations and names bad ones', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(250)).toBe(250);
    expect(() => parseDuration('5 minutes', 'retryDelay')).toThrow("retryDelay '5 minutes' is not a duration");
  });
});
