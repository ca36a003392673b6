// A worker's outbox of executor events (starts, log lines, ends): they travel to the scheduler in batches, as jobs
// of the event queue, in the order they happened.
import type { Queue } from 'bullmq';
import type { ExecutorEvent } from '../../engine/executor-port';
import type { EventBatch } from './wire';

/**
 * Events wait at most this long to share a queue job. Each job costs a dozen Redis commands and a pass of the
 * scheduler's event loop, so a short try's start, logs and end should travel together: a finished try flushes at
 * once, and so does a service call that changes something, as the webserver holds it until the try's start is
 * recorded (ADR 0018). The cost: the UI sees a longer try's start and log up to this much later, and a worker
 * killed outright loses at most this much of its tries' last log lines.
 */
const BATCH_MS = 200;
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5_000;

/**
 * Gathers events into one queue job per BATCH_MS, in order: one sender at a time. A batch Redis refuses (restart,
 * network) is sent again until it goes, so a 'finished' event is not lost to an outage: a try whose end went
 * missing would be failed as lost by the scheduler and run again.
 */
export class EventOutbox {
  private pending: ExecutorEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly queue: Pick<Queue<EventBatch>, 'add'>,
    private readonly worker: string,
    private readonly onError: (err: Error) => void,
  ) {}

  add(event: ExecutorEvent): void {
    this.pending.push(event);
    this.timer ??= setTimeout(() => void this.flush(), BATCH_MS);
  }

  /**
   * Resolves once everything added so far is in the queue (or the outbox was closed). The batch is taken when the
   * previous send is done, not now: tries that finish while one job is on its way to Redis share the next one, so
   * under load a job carries several ends, and an idle worker's end still leaves at once.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return this.sending;
    this.sending = this.sending.then(() => {
      const batch = this.pending.splice(0);
      return batch.length > 0 ? this.send(batch) : undefined;
    });
    return this.sending;
  }

  /** Stops retrying: what is still unsent is given up (the scheduler sees those tries fall silent). */
  close(): void {
    this.closed = true;
  }

  private async send(batch: ExecutorEvent[]): Promise<void> {
    for (let wait = RETRY_FIRST_MS; !this.closed; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      try {
        await this.queue.add('events', { worker: this.worker, events: batch }, { removeOnComplete: true, removeOnFail: { count: 1000 } });
        return;
      } catch (err) {
        this.onError(new Error(`${(err as Error).message}; sending again in ${wait} ms`));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}
