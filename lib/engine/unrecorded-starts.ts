// Starts the executor reported that no tick has written yet. Starts travel in quiet batches (ADR 0015), so for up
// to the quiet delay a try can run while the database still says it is queued. A try that changes anything through
// a service call must not be in that state: after a crash, a queued try is requeued under the same try number as
// one that never ran, and would repeat what it did. Service calls therefore wait here until their try's start is
// written (ADR 0018); by then the try is running in the database, and a crash fails it as lost, into a new try.
import type { ExecutorEvent } from './executor-port';

interface Waiter {
  promise: Promise<void>;
  resolve: () => void;
  reject: (reason: Error) => void;
}

const keyOf = (tiId: string, tryNumber: number) => `${tiId}#${tryNumber}`;

export class UnrecordedStarts {
  /** Keys of starts received and not yet written; a waiter is made only when someone waits. */
  private readonly pending = new Map<string, Waiter | null>();

  /** Called for every event as it arrives, before any service call of its try can be answered. */
  received(event: ExecutorEvent): void {
    if (event.type === 'started') this.pending.set(keyOf(event.tiId, event.tryNumber), null);
  }

  /** Called once a tick has written a batch of events (a batch that failed goes back to the inbox instead). */
  settled(events: readonly ExecutorEvent[]): void {
    for (const event of events) {
      if (event.type !== 'started') continue;
      const key = keyOf(event.tiId, event.tryNumber);
      const waiter = this.pending.get(key);
      this.pending.delete(key);
      waiter?.resolve();
    }
  }

  /** Resolves once the start of this try is written; at once when it already is (or was never reported). */
  whenRecorded(tiId: string, tryNumber: number, flush: () => void): Promise<void> | null {
    const key = keyOf(tiId, tryNumber);
    if (!this.pending.has(key)) return null;
    let waiter = this.pending.get(key);
    if (!waiter) {
      let resolve!: () => void;
      let reject!: (reason: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      waiter = { promise, resolve, reject };
      this.pending.set(key, waiter);
    }
    // The caller is a task waiting on its service call: its batch should not wait out the quiet delay.
    flush();
    return waiter.promise;
  }

  /** The scheduler stopped: no tick will write what is left. */
  abandon(reason: string): void {
    for (const waiter of this.pending.values()) waiter?.reject(new Error(reason));
    this.pending.clear();
  }
}
