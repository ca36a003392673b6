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
