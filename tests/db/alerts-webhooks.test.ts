// Slack incoming-webhook and generic-webhook alerts against a local HTTP sink, driven by the scheduler on a real
// PGlite with a FakeClock.
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { AlertService } from '../../lib/ops/alerts/alert-service';
import { emailNotifier } from '../../lib/ops/alerts/email-notifier';
import { slackNotifier } from '../../lib/ops/alerts/slack-notifier';
import { slackUrlFromConnection } from '../../lib/hooks/slack-webhook';
import { webhookNotifier } from '../../lib/ops/alerts/webhook-notifier';
import { loadConfig } from '../../lib/runtime/config';
import { connectionSource } from '../../lib/store/connections';
import { smtpFromConnection } from '../../lib/hooks/smtp-settings';
import { listNotifications } from '../../lib/store/notifications';
import { startWithAlerts } from '../support/alerts-harness';
import type { Engine } from '../support/engine-harness';
import { startHttpSink, type HttpSink } from '../support/http-sink';

const BASE = 'http://flashflow.test:3000';

let engine: Engine | null = null;
let sink: HttpSink | null = null;
let alerts: AlertService | null = null;
afterEach(async () => {
  await alerts?.stop(100);
  await engine?.close();
  await sink?.close();
  [engine, sink, alerts] = [null, null, null];
});


/** One mapped task over two words; the second item fails for good. emailOnFailure without email: chat only. */
function mappedDag() {
  const d = dag({ dagId: 'words', defaultArgs: { emailOnFailure: true } });
  const list = d.task('list', () => ['chat', 'chien']);
  d.task('card', { expand: list }, (ctx) => {
    if (ctx.item === 'chien') throw new Error('example has 27 characters, it must have fewer than 20');
    return ctx.item;
  });
  return d;
}

describe('Slack and webhook alerts', () => {
  it('posts one Slack message per failed try, with the task, map index, run, try, error and log link', async () => {
    sink = await startHttpSink();
    [engine, alerts] = await startWithAlerts([mappedDag()], [slackNotifier({ url: `${sink.url}/services/T000/B000/XXXX`, connections: null })], BASE);
    const run = await engine.trigger('words');
    expect(await engine.states(run)).toMatchObject({ 'card[0]': 'success', 'card[1]': 'failed' });
    await alerts.idle();

    expect(sink.requests).toHaveLength(1);
    const req = sink.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/services/T000/B000/XXXX');
    expect(req.headers['content-type']).toBe('application/json');
    const link = `${BASE}/dags/words/runs/${encodeURIComponent(run.runId)}/tasks/card?map_index=1&try=1`;
    const payload = req.json as { text: string; blocks: Array<Record<string, unknown>> };
    expect(payload.text).toBe(`:red_circle: Task failed: words.card[1] (run ${run.runId}, try 1 of 1)`);
    expect(payload.blocks.map((b) => b.type)).toEqual(['section', 'section', 'section', 'context']);
    expect(payload.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `:red_circle: *Task failed:* <${link}|words.card[1]>` } });
    expect(payload.blocks[1]!.fields).toEqual([
      { type: 'mrkdwn', text: '*DAG*\nwords' },
      { type: 'mrkdwn', text: '*Task*\ncard [1]' },
      { type: 'mrkdwn', text: `*Run*\n${run.runId}` },
      { type: 'mrkdwn', text: '*Try*\n1 of 1' },
    ]);
    expect(JSON.stringify(payload.blocks[2])).toContain('example has 27 characters, it must have fewer than 20');
    expect(JSON.stringify(payload.blocks[3])).toContain(`<${link}|View log>`);

    const rows = await listNotifications(engine.db.prisma);
    // The row names the Slack host only: the webhook path is a secret.
    expect(rows.map((r) => [r.channel, r.recipient, r.status, r.taskId, r.mapIndex])).toEqual([['slack', sink.url, 'sent', 'card', 1]]);
  });

  it('posts the alert as JSON to the generic webhook, retrying after a 500', async () => {
    sink = await startHttpSink();
    sink.respondWith(500);
    [engine, alerts] = await startWithAlerts([mappedDag()], [webhookNotifier({ url: `${sink.url}/hooks/flashflow` })], BASE);
    const run = await engine.trigger('words');
    const endedAt = engine.clock.now().toISOString();
    await alerts.quiet();
    expect(sink.requests).toHaveLength(1);
    await engine.advance(10_000);
    await alerts.idle();
    expect(sink.requests).toHaveLength(2);
    expect(sink.requests[1]!.json).toEqual({
      source: 'flashflow',
      kind: 'failure',
      dag_id: 'words',
      run_id: run.runId,
      task_id: 'card',
      map_index: 1,
      try_number: 1,
      max_tries: 1,
      state: 'failed',
      error: 'Error: example has 27 characters, it must have fewer than 20',
      log_url: `${BASE}/dags/words/runs/${encodeURIComponent(run.runId)}/tasks/card?map_index=1&try=1`,
      ended_at: endedAt,
      subject: `[Flashflow] Task failed: words.card[1] (run ${run.runId}, try 1)`,
      text: expect.stringContaining('Try 1 of 1 of task words.card[1] failed; it will not be retried.'),
    });
    const [row] = await listNotifications(engine.db.prisma);
    expect(row).toMatchObject({ channel: 'webhook', status: 'sent', attempts: 2 });
    expect(row!.lastError).toMatch(/answered 500/);
  });

  it('does not retry a webhook that answers 404', async () => {
    sink = await startHttpSink();
    sink.respondWith(404);
    [engine, alerts] = await startWithAlerts([mappedDag()], [slackNotifier({ url: `${sink.url}/services/gone`, connections: null })], BASE);
    await engine.trigger('words');
    await alerts.idle();
    expect(sink.requests).toHaveLength(1);
    const [row] = await listNotifications(engine.db.prisma);
    expect(row).toMatchObject({ channel: 'slack', status: 'failed', attempts: 1 });
  });

  it('records a skipped notification naming what to configure when no channel is set up', async () => {
    [engine, alerts] = await startWithAlerts([mappedDag()], [
      emailNotifier({ smtp: null, connections: null, hostname: 'test' }),
      slackNotifier({ url: null, connections: { get: async () => null } }),
      webhookNotifier({ url: null }),
    ], BASE);
    const run = await engine.trigger('words');
    await alerts.idle();
    expect(await engine.runState(run)).toBe('failed');
    const rows = await listNotifications(engine.db.prisma);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'none', recipient: null, kind: 'failure', status: 'skipped', taskId: 'card', mapIndex: 1 });
    expect(rows[0]!.lastError).toMatch(/no alert channel.*FLASHFLOW_SLACK_WEBHOOK_URL.*FLASHFLOW_ALERT_WEBHOOK_URL/);
  });

  it('builds the Slack URL from connection slack_default as Airflow stores it', () => {
    expect(slackUrlFromConnection({ host: 'https://hooks.slack.com/services', password: 'T0/B0/abc' })).toBe('https://hooks.slack.com/services/T0/B0/abc');
    expect(slackUrlFromConnection({ host: 'hooks.slack.com/services/', password: '/T0/B0/abc' })).toBe('https://hooks.slack.com/services/T0/B0/abc');
    expect(slackUrlFromConnection({ host: null, password: 'https://hooks.slack.com/services/T0/B0/abc' })).toBe('https://hooks.slack.com/services/T0/B0/abc');
    expect(slackUrlFromConnection({ host: null, password: null })).toBeNull();
  });
});

describe('alert configuration', () => {
  it('reads SMTP_* as FLASHFLOW_SMTP_* (which wins), and keeps alert secrets out of task environments', () => {
    const config = loadConfig({
      SMTP_HOST: 'mail.internal', SMTP_PORT: '2525', FLASHFLOW_SMTP_PORT: '587', SMTP_PASSWORD: 's3cret',
      FLASHFLOW_SMTP_USER: 'flashflow', FLASHFLOW_SMTP_STARTTLS: 'false',
      FLASHFLOW_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X', PATH: '/usr/bin',
    }, '/srv');
    expect(config.alerts).toEqual({
      smtp: { host: 'mail.internal', port: 587, user: 'flashflow', password: 's3cret', mailFrom: expect.stringMatching(/^flashflow@/), ssl: false, starttls: false },
      slackWebhookUrl: 'https://hooks.slack.com/services/T/B/X',
      genericWebhookUrl: null,
    });
    expect(config.taskEnv).toEqual({ SMTP_HOST: 'mail.internal', SMTP_PORT: '2525', FLASHFLOW_SMTP_PORT: '587', FLASHFLOW_SMTP_STARTTLS: 'false', PATH: '/usr/bin', FLASHFLOW_HOME: '/srv/.flashflow' });
    expect(config.baseUrl).toBe('http://127.0.0.1:3000');
  });

  it('offers the alert SMTP server and Slack webhook as connections smtp_default and slack_default, unless those are set', async () => {
    const env = { FLASHFLOW_SMTP_HOST: 'mx', FLASHFLOW_SMTP_PASSWORD: 'pw', FLASHFLOW_SMTP_MAIL_FROM: 'ops@example.com', FLASHFLOW_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X' };
    const conns = connectionSource({ db: null as never, secrets: null as never, env: loadConfig(env, '/srv').connectionEnv });
    const smtp = await conns.get('smtp_default');
    expect(smtp).toMatchObject({ conn_type: 'smtp', host: 'mx', port: 25, password: 'pw' });
    expect(smtpFromConnection(smtp!, 'here')).toEqual(loadConfig(env, '/srv').alerts.smtp);
    expect(slackUrlFromConnection((await conns.get('slack_default'))!)).toBe('https://hooks.slack.com/services/T/B/X');
    const pinned = loadConfig({ ...env, FLASHFLOW_CONN_SMTP_DEFAULT: 'smtp://other:25' }, '/srv').connectionEnv;
    expect(pinned.FLASHFLOW_CONN_SMTP_DEFAULT).toBe('smtp://other:25');
  });

  it('defaults to no SMTP, STARTTLS on port 25 once a host is set, and takes FLASHFLOW_BASE_URL for links', () => {
    expect(loadConfig({}, '/srv').alerts).toEqual({ smtp: null, slackWebhookUrl: null, genericWebhookUrl: null });
    const config = loadConfig({ FLASHFLOW_SMTP_HOST: 'mx', FLASHFLOW_BASE_URL: 'https://flashflow.example.com/' }, '/srv');
    expect(config.alerts.smtp).toMatchObject({ port: 25, ssl: false, starttls: true });
    expect(config.baseUrl).toBe('https://flashflow.example.com');
    expect(() => loadConfig({ FLASHFLOW_SMTP_SSL: 'maybe' }, '/srv')).toThrow(/FLASHFLOW_SMTP_SSL/);
  });
});
