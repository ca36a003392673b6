// Turns ended tries into alerts, off the scheduler's path: onTryEnded() only queues the event and returns, and a
// few background workers record each alert (before sending), deliver it on every channel with the RetryPolicy's
// backoff, and record the outcome. A dead mail server costs a few rows marked 'failed', never a task state or a
// scheduler tick.
import type { Clock } from '../../kernel/clock';
import { nextRetryDelay, type RetryPolicy } from '../../kernel/retry-policy';
import type { TryEndedEvent } from '../../engine/scheduler';
import { abandonNotification, recordDeliveryAttempt, recordNotifications, type NewNotification, type NotificationDb } from '../../store/notifications';
import { planAlert, type Alert } from './alert-model';
import { DeliveryError, type AlertRoute, type Notifier } from './notifier-port';

/** Four tries over about a minute and a half: enough for a restarting relay, short enough to matter. */
export const DEFAULT_ALERT_RETRY_POLICY: RetryPolicy = {
  maximumAttempts: 4,
  initialIntervalMs: 10_000,
  backoffCoefficient: 3,
  maximumIntervalMs: 5 * 60_000,
  jitter: 0.1,
};

/** Alerts delivered at once; a storm of failures (500 mapped tasks) queues instead of opening 500 SMTP sessions. */
const DEFAULT_CONCURRENCY = 4;
/** Ceiling for one attempt, whatever the channel's own timeouts. */
const DELIVERY_TIMEOUT_MS = 60_000;

const NO_CHANNEL =
  'no alert channel: the task lists no email recipients, and neither FLASHFLOW_SLACK_WEBHOOK_URL (or connection ' +
  'slack_default) nor FLASHFLOW_ALERT_WEBHOOK_URL is set';

export interface AlertServiceOptions {
  db: NotificationDb;
  clock: Clock;
  notifiers: Notifier[];
  /** Origin of the web UI for log links (config.baseUrl). */
  baseUrl: string;
  retryPolicy?: RetryPolicy;
  concurrency?: number;
  random?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class AlertService {
  private readonly opts: Required<Omit<AlertServiceOptions, 'log'>> & Pick<AlertServiceOptions, 'log'>;
  private readonly queue: Alert[] = [];
  private workers = 0;
  /** Deliveries waiting on the clock for their next attempt. */
  private sleeping = 0;
  private readonly abort = new AbortController();
  private idleWaiters: Array<() => void> = [];
  private quietWaiters: Array<() => void> = [];

  constructor(options: AlertServiceOptions) {
    this.opts = {
      retryPolicy: DEFAULT_ALERT_RETRY_POLICY,
      concurrency: DEFAULT_CONCURRENCY,
      random: Math.random,
      ...options,
    };
  }

  /** The scheduler's onTryEnded listener: decides synchronously, does everything else in the background. */
  readonly onTryEnded = (event: TryEndedEvent): void => {
    if (this.abort.signal.aborted) return;
    const alert = planAlert(event, this.opts.baseUrl);
    if (!alert) return;
    this.queue.push(alert);
    this.pump();
  };

  /** Resolves once no alert is queued, being recorded or delivered, or waiting to retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves once every alert is either done or waiting on the clock for its next attempt (tests advance it then). */
  quiet(): Promise<void> {
    if (this.isQuiet()) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  /**
   * Stops: attempts in progress may finish within `graceMs` (their rows then tell the truth); deliveries waiting
   * for their next attempt end at once and are marked failed. Queued alerts not yet recorded are dropped.
   * Real time, not the clock: a shutdown must not wait for a fake clock to move.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.queue.length) this.opts.log?.('warn', `dropping ${this.queue.length} alert(s) not yet recorded: the server is stopping`);
    this.queue.length = 0;
    this.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
      timer.unref();
    });
    if ((await Promise.race([this.idle(), grace])) === 'timeout') {
      this.opts.log?.('warn', `stopping with ${this.workers} alert delivery(ies) still under way; their notifications stay 'pending'`);
    }
    clearTimeout(timer);
  }

  private isIdle(): boolean {
    return this.workers === 0 && this.queue.length === 0;
  }

  private isQuiet(): boolean {
    return this.workers === this.sleeping && this.queue.length === 0;
  }

  private notifyWaiters(): void {
    if (this.isQuiet()) for (const resolve of this.quietWaiters.splice(0)) resolve();
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private pump(): void {
    while (this.workers < this.opts.concurrency && this.queue.length > 0) {
      const alert = this.queue.shift()!;
      this.workers++;
      void this.handle(alert)
        .catch((err: Error) => this.opts.log?.('error', `alert for ${alert.dagId}.${alert.taskId} failed: ${err.stack ?? err.message}`))
        .finally(() => {
          this.workers--;
          this.pump();
          this.notifyWaiters();
        });
    }
  }

  private async handle(alert: Alert): Promise<void> {
    const routes: Array<{ channel: string; route: AlertRoute }> = [];
    for (const notifier of this.opts.notifiers) {
      const route = await notifier.route(alert).catch((err: Error): AlertRoute => ({ recipient: null, skipped: err.message }));
      if (route) routes.push({ channel: notifier.channel, route });
    }
    const rows: NewNotification[] = routes.map(({ channel, route }) => ({
      ...rowOf(alert),
      channel,
      recipient: route.recipient,
      status: 'deliver' in route ? 'pending' : 'skipped',
      lastError: 'skipped' in route ? route.skipped : null,
    }));
    if (rows.length === 0) rows.push({ ...rowOf(alert), channel: 'none', recipient: null, status: 'skipped', lastError: NO_CHANNEL });
    // Recorded before any attempt: a crash mid-delivery leaves a visible 'pending' row, not silence.
    const ids = await recordNotifications(this.opts.db, rows, this.opts.clock.now());
    for (const r of rows) {
      if (r.status === 'skipped') this.opts.log?.('warn', `${r.subject}: not sent (${r.channel}): ${r.lastError}`);
    }
    await Promise.all(
      routes.map(({ channel, route }) => ('deliver' in route ? this.deliver(ids.get(channel)!, channel, alert, route.deliver) : null)),
    );
  }

  private async deliver(id: number, channel: string, alert: Alert, send: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const { db, clock, retryPolicy, random } = this.opts;
    for (let attempt = 1; ; attempt++) {
      let error: DeliveryError;
      try {
        // Not the stop signal: an attempt under way is let finish (it has its own timeouts) so its row tells the truth.
        await send(AbortSignal.timeout(DELIVERY_TIMEOUT_MS));
        await recordDeliveryAttempt(db, id, { ok: true }, clock.now());
        return;
      } catch (err) {
        error = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, false);
      }
      const delay = error.permanent ? null : nextRetryDelay(retryPolicy, attempt + 1, random);
      const final = delay === null || this.abort.signal.aborted;
      const message = final && delay !== null ? `${error.message}; not retried: the server stopped` : error.message;
      await recordDeliveryAttempt(db, id, { ok: false, error: message, final }, clock.now());
      if (final) {
        this.opts.log?.('warn', `${channel} alert '${alert.subject}' not delivered after ${attempt} attempt(s): ${error.message}`);
        return;
      }
      this.sleeping++;
      this.notifyWaiters();
      try {
        await clock.sleep(delay, this.abort.signal);
      } finally {
        this.sleeping--;
      }
      if (this.abort.signal.aborted) {
        await abandonNotification(db, id, `${error.message}; not retried: the server stopped`);
        return;
      }
    }
  }
}

function rowOf(alert: Alert): Omit<NewNotification, 'channel' | 'recipient' | 'status' | 'lastError'> {
  return {
    kind: alert.kind,
    dagId: alert.dagId,
    runId: alert.runId,
    taskId: alert.taskId,
    mapIndex: alert.mapIndex,
    tryNumber: alert.tryNumber,
    subject: alert.subject,
    body: alert.body,
  };
}
