// Caps how many of a costly operation run at once; callers beyond the cap wait their turn in arrival order.

export class Semaphore {
  private inUse = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a semaphore needs a capacity of at least 1, got ${capacity}`);
  }

  get running(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // Taken synchronously when free, so a burst of callers in one tick cannot all slip past the cap.
    if (this.inUse < this.capacity) this.inUse += 1;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter rather than freeing it, so a newcomer cannot jump the queue.
      const next = this.queue.shift();
      if (next) next();
      else this.inUse -= 1;
    }
  }
}
