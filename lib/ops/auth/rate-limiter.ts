// Failed logins per client address in a fixed window, in memory: a second line of defence beside the per-account
// lockout, against one address trying many usernames. Lost on restart, which is acceptable for a throttle.
import type { Clock } from '../../kernel/clock';

export class FailureRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly limit = 20,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfterS(key: string): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const left = w.start + this.windowMs - this.clock.now().getTime();
    if (left <= 0) {
      this.windows.delete(key);
      return 0;
    }
    return w.count >= this.limit ? Math.ceil(left / 1000) : 0;
  }

  recordFailure(key: string): void {
    const now = this.clock.now().getTime();
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) this.windows.set(key, { start: now, count: 1 });
    else w.count += 1;
    // A flood of distinct addresses must not grow the map without bound.
    if (this.windows.size > 10_000) this.sweep(now);
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
