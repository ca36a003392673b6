// Task and DAG callbacks (on_success, on_failure, on_retry): each is recorded as a callback request before it
// is handed to the executor, which runs it like a task and reports `callback_finished`.
import type { Executor } from './executor-port';
import type { CallbackRequest, RunStore } from './run-store-port';

export interface CallbackSubmitterOptions {
  store: RunStore;
  executor: Executor;
  callbackTimeoutMs: number;
  /** A scheduler that is shutting down starts no callbacks. */
  draining: () => boolean;
}

export class CallbackSubmitter {
  private readonly running = new Map<string, true>();

  constructor(private readonly opts: CallbackSubmitterOptions) {}

  async submit(requests: CallbackRequest[], now: Date): Promise<void> {
    if (requests.length === 0 || this.opts.draining()) return;
    const ids = await this.opts.store.createCallbackRequests(requests, now);
    requests.forEach((r, i) => {
      const id = ids[i]!;
      this.running.set(id, true);
      this.opts.executor.submit({
        type: 'callback',
        id,
        fileloc: r.fileloc,
        dagId: r.dagId,
        runId: r.runId,
        taskId: r.taskId,
        mapIndex: r.mapIndex,
        tryNumber: r.tryNumber,
        kind: r.kind,
        state: r.state,
        error: r.error,
        timeoutMs: this.opts.callbackTimeoutMs,
      });
    });
  }

  finished(id: string): void {
    this.running.delete(id);
  }
}
