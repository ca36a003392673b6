// Executor events waiting for the tick that applies them. An event that ends a try asks for a tick at once;
// starts, log lines and heartbeats decide nothing, so they wait up to the quiet delay to share one (ADR 0015).
import type { ExecutorEvent } from './executor-port';

export interface ExecutorEventInboxOptions {
  /** Real milliseconds a quiet event may wait; 0 or less asks for a tick at once. */
  quietEventDelayMs: number;
  requestTick: () => void;
  stopped: () => boolean;
}

export class ExecutorEventInbox {
  private readonly events: ExecutorEvent[] = [];
  /** Set while quiet events wait for their batch's tick. */
  private quietTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: ExecutorEventInboxOptions) {}

  add(event: ExecutorEvent): void {
    this.events.push(event);
    if (event.type === 'finished' || event.type === 'callback_finished') this.opts.requestTick();
    else this.requestQuietTick();
  }

  /** Quiet events are waiting for a tick that has not been asked for yet. */
  get quietEventsWaiting(): boolean {
    return this.quietTimer !== null;
  }

  /** Everything received so far, for this tick; the quiet timer's events are among them. */
  take(): ExecutorEvent[] {
    const events = this.events.splice(0);
    this.clearQuietTimer();
    return events;
  }

  /**
   * Returns a batch a tick could not apply (the database failed), ahead of what arrived since: the next tick
   * applies it again. Every write of an event is guarded by state and try number, so a part that did land is
   * not applied twice; a log line may be.
   */
  putBack(events: ExecutorEvent[]): void {
    if (events.length === 0) return;
    this.events.unshift(...events);
    this.opts.requestTick();
  }

  /** Asks at once for the tick quiet events are waiting for, so that stopping still writes them. */
  flush(): void {
    if (!this.quietTimer) return;
    this.clearQuietTimer();
    this.opts.requestTick();
  }

  private requestQuietTick(): void {
    if (this.quietTimer || this.opts.stopped()) return;
    if (this.opts.quietEventDelayMs <= 0) return this.opts.requestTick();
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.opts.requestTick();
    }, this.opts.quietEventDelayMs);
  }

  private clearQuietTimer(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
  }
}
