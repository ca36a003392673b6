// The runner process's bookkeeping: the jobs it runs, their abort controllers, heartbeats, service requests
// to the parent, and the subprocess groups to kill if the runner goes away.
import { NonRetriableError } from '../../engine/task-context';
import type { TaskJob } from '../../engine/executor-port';
import type { ChildMessage, ParentMessage, RunnerConfig } from './protocol';
import { withoutProcessSecrets } from '../../secrets/secret-masker';

export interface RunningJob {
  key: string;
  controller: AbortController;
  /** For tasks: what a heartbeat names. */
  heartbeat: { tiId: string; tryNumber: number } | null;
  /** True once the job's outcome was sent; its code may still be running (lingering). */
  reported: boolean;
}

type Response = Extract<ParentMessage, { type: 'response' }>;

export class RunnerRuntime {
  readonly jobs = new Map<string, RunningJob>();
  private readonly requests = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly groups = new Map<number, string>();
  private nextRequestId = 1;
  private readonly heartbeatTimer: NodeJS.Timeout;

  constructor(
    readonly config: RunnerConfig,
    private readonly post: (message: ChildMessage) => void,
  ) {
    this.heartbeatTimer = setInterval(() => this.heartbeat(), config.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  send(message: ChildMessage): void {
    this.post(message);
  }

  /**
   * Runs `work` as job `key` with a timeout; reports exactly one outcome. On abort (timeout or kill) the
   * work gets a short while to wind down, then the abort outcome is reported; if the work still runs it is
   * "lingering": its result is discarded and the parent hears `released` when it finally ends.
   */
  supervise<R>(opts: {
    key: string;
    heartbeat: RunningJob['heartbeat'];
    timeoutMs: number | null;
    timeoutReason: () => Error;
    work: (signal: AbortSignal) => Promise<R>;
    onError: (err: unknown) => R;
    report: (outcome: R, lingering: boolean) => void;
  }): void {
    const controller = new AbortController();
    const job: RunningJob = { key: opts.key, controller, heartbeat: opts.heartbeat, reported: false };
    this.jobs.set(opts.key, job);
    let settled = false;
    let lingering = false;
    let markSettled!: () => void;
    const settledPromise = new Promise<void>((resolve) => (markSettled = resolve));
    const timer =
      opts.timeoutMs !== null ? setTimeout(() => controller.abort(opts.timeoutReason()), opts.timeoutMs) : undefined;

    const finish = (outcome: R) => {
      if (job.reported) return;
      job.reported = true;
      clearTimeout(timer);
      lingering = !settled;
      opts.report(outcome, lingering);
      if (settled) this.jobs.delete(opts.key);
    };
    controller.signal.addEventListener(
      'abort',
      () => {
        const windDown = new Promise<void>((resolve) => setTimeout(resolve, this.config.termGraceMs + 100).unref());
        void Promise.race([settledPromise, windDown]).then(() => finish(opts.onError(controller.signal.reason)));
      },
      { once: true },
    );
    Promise.resolve()
      .then(() => opts.work(controller.signal))
      .catch((err: unknown) => opts.onError(err))
      .then((outcome) => {
        settled = true;
        markSettled();
        if (!controller.signal.aborted) finish(outcome);
        else if (job.reported) {
          this.jobs.delete(opts.key);
          if (lingering) this.send({ type: 'released', key: opts.key });
        }
      });
  }

  abort(key: string, reason: Error): void {
    const job = this.jobs.get(key);
    if (job && !job.reported) job.controller.abort(reason);
  }

  /** A service call of task code (ctx.services, ctx.xcomPull), answered by the parent's ServiceHandler. */
  request(key: string, job: TaskJob, method: string, payload: unknown): Promise<unknown> {
    if (this.jobs.get(key)?.reported !== false) {
      return Promise.reject(new Error(`service ${method}: the try has already finished`));
    }
    const id = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      try {
        // A process-wide secret (the LLM key) has no business in what task code writes through a service: a
        // provider's error quoting it would otherwise reach llm_attempt.
        this.send({ type: 'request', id, tiId: job.tiId, tryNumber: job.tryNumber, method, payload: withoutProcessSecrets(payload) });
      } catch (err) {
        this.requests.delete(id);
        reject(new Error(`service ${method}: the input cannot be sent: ${(err as Error).message}`));
      }
    });
  }

  respond(message: Response): void {
    const pending = this.requests.get(message.id);
    if (!pending) return;
    this.requests.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(message.permanent ? new NonRetriableError(message.error) : new Error(message.error));
  }

  trackProcessGroup(key: string, pgid: number): () => void {
    this.groups.set(pgid, key);
    this.send({ type: 'pgroup', key, pgid, open: true });
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.groups.delete(pgid);
      this.send({ type: 'pgroup', key, pgid, open: false });
    };
  }

  /** Last act before the runner exits: no subprocess of a task may outlive it. */
  killProcessGroups(): void {
    for (const pgid of this.groups.keys()) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.groups.clear();
  }

  private heartbeat(): void {
    const at = new Date();
    for (const job of this.jobs.values()) {
      if (job.heartbeat && !job.reported && !job.controller.signal.aborted) this.send({ type: 'event', event: { type: 'heartbeat', ...job.heartbeat, at } });
    }
  }
}
