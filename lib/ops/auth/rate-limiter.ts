// Failed logins per client address in a fixed window, in memory: a second line of defence beside the per-account
// lockout, against one address trying many usernames. Lost on restart, which is acceptable for a throttle.
// Every attempt is counted when it starts, before its password is hashed, and given back if it succeeds: counting
// after the hash would let a burst of parallel guesses all pass a check that none of them has yet updated.
import type { Clock } from '../../kernel/clock';

export class FailureRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly limit = 20,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Counts an attempt from `key` and answers 0 when it may go ahead, else the seconds until the address may try
   *  again (a refused attempt is not counted). */
  admit(key: string): number {
    const now = this.clock.now().getTime();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      // A flood of distinct addresses must not grow the map without bound.
      if (this.windows.size > 10_000) this.sweep(now);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    w.count += 1;
    return 0;
  }

  /** The admitted attempt succeeded: it was no failure. */
  forgive(key: string): void {
    const w = this.windows.get(key);
    if (w && w.count > 0) w.count -= 1;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
