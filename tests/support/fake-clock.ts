// A clock that only moves when a test advances it, so retry delays and schedules cost no real time.
import type { Clock } from '../../lib/kernel/clock';

interface Sleeper {
  at: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(start: Date | string = '2026-01-05T10:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = { at: this.current + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      }, { once: true });
    });
  }

  /** Moves time forward and wakes every sleeper whose moment has come. */
  advance(ms: number): void {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.at <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.at > this.current);
    for (const s of due) s.resolve();
  }

  set(date: Date | string): void {
    this.advance(new Date(date).getTime() - this.current);
  }
}

/**
 * Real time plus whatever a test has skipped. For runtimes whose task processes stamp events with the real clock
 * (the LocalExecutor's runners): their times stay consistent with the scheduler's, while a 5-minute retry delay
 * still costs one `advance`. Sleepers wake on their real timer or when an advance passes their moment.
 */
export class ShiftedClock implements Clock {
  private offset = 0;
  private sleepers = new Set<{ at: number; wake: () => void }>();

  now(): Date {
    return new Date(Date.now() + this.offset);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        at: this.now().getTime() + ms,
        wake: () => {
          clearTimeout(timer);
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      const timer = setTimeout(sleeper.wake, ms);
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  advance(ms: number): void {
    this.offset += ms;
    const now = this.now().getTime();
    for (const s of [...this.sleepers]) if (s.at <= now) s.wake();
  }
}
