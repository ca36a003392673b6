// Time as a port, so a five-minute retry delay is a clock advance in tests, never a real wait.

export interface Clock {
  now(): Date;
  /** Resolves after `ms` of this clock's time; a fake clock resolves it when advanced past. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // The scheduler sleeps on one long-lived signal every poll: a listener left behind per sleep would pile up.
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
