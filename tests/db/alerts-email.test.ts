// Email alerts end to end: the scheduler on a real PGlite with a FakeClock, tries ending as the DAG dictates, and a
// real SMTP server on 127.0.0.1 receiving what nodemailer sends. Retry waits are clock advances, never real time.
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { AlertService, DEFAULT_ALERT_RETRY_POLICY } from '../../lib/ops/alerts/alert-service';
import { emailNotifier } from '../../lib/ops/alerts/email-notifier';
import type { SmtpSettings } from '../../lib/hooks/smtp-settings';
import type { Connection } from '../../lib/connections/connection-model';
import { listNotifications } from '../../lib/store/notifications';
import { startWithAlerts } from '../support/alerts-harness';
import type { Engine } from '../support/engine-harness';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const BASE = 'http://flashflow.test:3000';

let engine: Engine | null = null;
let sink: SmtpSink | null = null;
let alerts: AlertService | null = null;
afterEach(async () => {
  await alerts?.stop(100);
  await engine?.close();
  await sink?.close();
  [engine, sink, alerts] = [null, null, null];
});

const smtpAt = (port: number): SmtpSettings => ({ host: '127.0.0.1', port, user: null, password: null, mailFrom: 'flashflow@test', ssl: false, starttls: false });


function flakyDag(dagId: string, fail: (call: number) => boolean, options: { retries?: number; email?: string | string[] } = {}) {
  const d = dag({ dagId, defaultArgs: { email: options.email ?? 'ops@example.com' } });
  let calls = 0;
  d.task('fetch', { retries: options.retries ?? 0, retryDelay: '5m' }, () => {
    calls++;
    if (fail(calls)) throw new Error(`upstream API answered 503 (call ${calls})`);
    return 'ok';
  });
  return d;
}

describe('email alerts', () => {
  it('emails once on retry and once more on failure when the retry fails too, with a link to each try\'s log', async () => {
    sink = await startSmtpSink();
    [engine, alerts] = await startWithAlerts([flakyDag('alerting', () => true, { retries: 1, email: ['ops@example.com', 'oncall@example.com'] })], [emailNotifier({ smtp: smtpAt(sink.port), connections: null, hostname: 'test' })], BASE);

    const run = await engine.trigger('alerting');
    expect(await engine.states(run)).toEqual({ fetch: 'up_for_retry' });
    await alerts.idle();
    expect(sink.mails).toHaveLength(1);
    const retry = sink.mails[0]!;
    expect(retry.to).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(retry.from).toBe('flashflow@test');
    expect(retry.subject).toBe(`[Flashflow] Task up for retry: alerting.fetch (run ${run.runId}, try 1)`);
    expect(retry.text).toContain('Try 1 of 2 of task alerting.fetch failed and will be retried.');
    expect(retry.text).toContain('Error: upstream API answered 503 (call 1)');
    expect(retry.text).toContain(`Run:       ${run.runId}`);
    expect(retry.text).toContain('Map index: -1');
    const link = `${BASE}/dags/alerting/runs/${encodeURIComponent(run.runId)}/tasks/fetch?map_index=-1`;
    expect(retry.text).toContain(`Log: ${link}&try=1`);

    await engine.advance(5 * 60_000);
    expect(await engine.states(run)).toEqual({ fetch: 'failed' });
    await alerts.idle();
    expect(sink.mails).toHaveLength(2);
    expect(sink.mails[1]!.subject).toBe(`[Flashflow] Task failed: alerting.fetch (run ${run.runId}, try 2)`);
    expect(sink.mails[1]!.text).toContain(`Log: ${link}&try=2`);

    const rows = await listNotifications(engine.db.prisma, { dagId: 'alerting' });
    expect(rows.map((r) => [r.channel, r.kind, r.tryNumber, r.status, r.attempts, r.recipient])).toEqual([
      ['email', 'retry', 1, 'sent', 1, 'ops@example.com, oncall@example.com'],
      ['email', 'failure', 2, 'sent', 1, 'ops@example.com, oncall@example.com'],
    ]);
    expect(rows[1]!.sentAt).toEqual(engine.clock.now());
    expect(rows[1]!.body).toBe(sink.mails[1]!.text);
  });

  it('sends nothing and records nothing when the task succeeds', async () => {
    sink = await startSmtpSink();
    [engine, alerts] = await startWithAlerts([flakyDag('fine', () => false)], [emailNotifier({ smtp: smtpAt(sink.port), connections: null, hostname: 'test' })], BASE);
    const run = await engine.trigger('fine');
    expect(await engine.states(run)).toEqual({ fetch: 'success' });
    await alerts.idle();
    expect(sink.mails).toEqual([]);
    expect(await listNotifications(engine.db.prisma)).toEqual([]);
  });

  it('does not alert a task whose DAG turns emailOnFailure off', async () => {
    sink = await startSmtpSink();
    const d = dag({ dagId: 'quiet', defaultArgs: { email: 'ops@example.com', emailOnFailure: false } });
    d.task('fetch', () => {
      throw new Error('boom');
    });
    [engine, alerts] = await startWithAlerts([d], [emailNotifier({ smtp: smtpAt(sink.port), connections: null, hostname: 'test' })], BASE);
    const run = await engine.trigger('quiet');
    expect(await engine.states(run)).toEqual({ fetch: 'failed' });
    await alerts.idle();
    expect(sink.mails).toEqual([]);
  });

  it('marks the notification failed after 4 attempts when the SMTP server is down, without touching task states', async () => {
    const closed = await startSmtpSink();
    const port = closed.port;
    await closed.close(); // nothing listens there any more: connection refused
    [engine, alerts] = await startWithAlerts([flakyDag('smtp_down', () => true)], [emailNotifier({ smtp: smtpAt(port), connections: null, hostname: 'test' })], BASE);

    // The run is decided while the first delivery attempt is still under way: the scheduler never waits for it.
    const run = await engine.trigger('smtp_down');
    expect(await engine.states(run)).toEqual({ fetch: 'failed' });
    expect(await engine.runState(run)).toBe('failed');

    await alerts.quiet();
    let [row] = await listNotifications(engine.db.prisma);
    expect(row).toMatchObject({ channel: 'email', kind: 'failure', status: 'pending', attempts: 1 });
    expect(row!.lastError).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);

    // Backoff 10 s, 30 s, 90 s (coefficient 3, no jitter): advance the fake clock through each wait.
    for (const wait of [10_000, 30_000, 90_000]) {
      await engine.advance(wait);
      await alerts.quiet();
    }
    await alerts.idle();
    [row] = await listNotifications(engine.db.prisma);
    expect(row).toMatchObject({ status: 'failed', attempts: DEFAULT_ALERT_RETRY_POLICY.maximumAttempts, sentAt: null });
    expect(await engine.states(run)).toEqual({ fetch: 'failed' });
    expect(await engine.runState(run)).toBe('failed');
  });

  it('retries a message the server deferred with 451 and records it sent on the second attempt', async () => {
    sink = await startSmtpSink();
    sink.failNext(1, 451);
    [engine, alerts] = await startWithAlerts([flakyDag('deferred', () => true)], [emailNotifier({ smtp: smtpAt(sink.port), connections: null, hostname: 'test' })], BASE);
    await engine.trigger('deferred');
    await alerts.quiet();
    expect(sink.mails).toHaveLength(0);
    await engine.advance(10_000);
    await alerts.idle();
    expect(sink.mails).toHaveLength(1);
    const [row] = await listNotifications(engine.db.prisma);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(row!.lastError).toMatch(/451/);
  });

  it('gives up at once on a permanent refusal (550)', async () => {
    sink = await startSmtpSink();
    sink.failNext(5, 550);
    [engine, alerts] = await startWithAlerts([flakyDag('refused', () => true)], [emailNotifier({ smtp: smtpAt(sink.port), connections: null, hostname: 'test' })], BASE);
    await engine.trigger('refused');
    await alerts.idle();
    const [row] = await listNotifications(engine.db.prisma);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.lastError).toMatch(/550/);
  });

  it('reads the SMTP server from connection smtp_default when no SMTP variables are set', async () => {
    sink = await startSmtpSink();
    const conn: Connection = {
      conn_id: 'smtp_default', conn_type: 'smtp', description: null, host: '127.0.0.1', schema: null, login: null,
      password: null, port: sink.port, extra: JSON.stringify({ from_email: 'alerts@flashflow.test', disable_ssl: true, disable_tls: true }),
    };
    [engine, alerts] = await startWithAlerts([flakyDag('via_conn', () => true)], [
      emailNotifier({ smtp: null, connections: { get: async (id) => (id === 'smtp_default' ? conn : null) }, hostname: 'test' }),
    ], BASE);
    await engine.trigger('via_conn');
    await alerts.idle();
    expect(sink.mails.map((m) => m.from)).toEqual(['alerts@flashflow.test']);
  });

  it('records the alert as skipped, with the reason, when no SMTP server is configured', async () => {
    [engine, alerts] = await startWithAlerts([flakyDag('no_smtp', () => true)], [emailNotifier({ smtp: null, connections: { get: async () => null }, hostname: 'test' })], BASE);
    const run = await engine.trigger('no_smtp');
    await alerts.idle();
    expect(await engine.states(run)).toEqual({ fetch: 'failed' });
    const [row] = await listNotifications(engine.db.prisma);
    expect(row).toMatchObject({ channel: 'email', recipient: 'ops@example.com', kind: 'failure', status: 'skipped', attempts: 0 });
    expect(row!.lastError).toMatch(/no SMTP server configured: set FLASHFLOW_SMTP_HOST/);
  });

  it('reads recipients from the task\'s email variable at each alert, and says so when it is unset or malformed', async () => {
    sink = await startSmtpSink();
    const variables = new Map<string, string>([['ml_alert_emails', 'ml@example.com; oncall@example.com']]);
    const d = dag({ dagId: 'var_alerts', defaultArgs: { email: { variable: 'ml_alert_emails' } } });
    d.task('train', () => {
      throw new Error('model did not converge');
    });
    [engine, alerts] = await startWithAlerts([d], [emailNotifier({
      smtp: smtpAt(sink.port), connections: null, hostname: 'test', variable: async (key) => variables.get(key) ?? null,
    })], BASE);

    await engine.trigger('var_alerts');
    await alerts.idle();
    expect(sink.mails.map((m) => m.to)).toEqual([['ml@example.com', 'oncall@example.com']]);

    variables.set('ml_alert_emails', '["ops@example.com"]');
    engine.clock.advance(1000);
    await engine.trigger('var_alerts');
    await alerts.idle();
    expect(sink.mails.map((m) => m.to)[1]).toEqual(['ops@example.com']);

    variables.set('ml_alert_emails', 'not-an-address');
    engine.clock.advance(1000);
    await engine.trigger('var_alerts');
    variables.delete('ml_alert_emails');
    engine.clock.advance(1000);
    await engine.trigger('var_alerts');
    await alerts.idle();
    expect(sink.mails).toHaveLength(2);
    const rows = await listNotifications(engine.db.prisma, { dagId: 'var_alerts' });
    expect(rows.slice(2).map((r) => [r.status, r.lastError])).toEqual([
      ['skipped', expect.stringContaining("variable 'ml_alert_emails' does not hold email addresses")],
      ['skipped', "no recipients: variable 'ml_alert_emails' is not set (set it to a comma-separated list of addresses)"],
    ]);
  });
});

