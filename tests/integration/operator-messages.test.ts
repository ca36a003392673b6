// The slackWebhook and email operators against real local servers: an HTTP server standing in for Slack's incoming
// webhooks and an SMTP server (smtp-server) on 127.0.0.1, run as the task runner runs them (by registered name).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskArtifactDir } from '../../lib/artifacts/artifact-paths';
import { NonRetriableError } from '../../lib/engine/task-context';
import { DeliveryError } from '../../lib/hooks/delivery-error';
import { email } from '../../lib/operators/email';
import { loadOperator } from '../../lib/operators/registry';
import { slackWebhook } from '../../lib/operators/slack';
import { SecretBox } from '../../lib/secrets/secret-box';
import { awsTaskContext, type AwsTaskContext } from '../support/aws-task-context';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createTestDb } from '../support/test-db';
import { startConnectionExecutor, taskJob } from './executor-harness';

let slack: HttpSink;
let smtp: SmtpSink;
let home: string;
let connections: Record<string, string>;

beforeAll(async () => {
  [slack, smtp] = await Promise.all([startHttpSink(), startSmtpSink()]);
  home = mkdtempSync(path.join(os.tmpdir(), 'ff-messages-'));
  const hook = encodeURIComponent(`${slack.url}/services/T0/B0/secret-token`);
  connections = {
    slack_default: `slackwebhook://:${hook}@`,
    slack_no_url: 'slackwebhook://',
    smtp_default: `smtp://127.0.0.1:${smtp.port}?disable_ssl=true&disable_tls=true&from_email=pipelines%40example.com`,
  };
});

afterAll(async () => {
  await Promise.all([slack?.close(), smtp?.close()]);
  rmSync(home, { recursive: true, force: true });
});

function context(): AwsTaskContext {
  return Object.assign(awsTaskContext(connections), {
    dagId: 'weekly_report',
    taskId: 'announce',
    params: { team: 'ML <core>' },
    inputs: { accuracy: 0.93, summary: { rows: 150 } },
    processEnv: { FLASHFLOW_HOME: home },
  });
}

async function run(spec: { operator: string; args: Record<string, unknown> }, ctx = context()): Promise<unknown> {
  const impl = await loadOperator(spec.operator);
  return impl!(spec.args, ctx);
}

describe('slackWebhook', () => {
  it('posts the text with its placeholders filled in and escaped for Slack', async () => {
    const before = slack.requests.length;
    const sent = await run(slackWebhook({ text: 'Retrained {{ dag_id }} for {{ ds }}: {{ inputs.accuracy }} ({{ params.team }})', username: 'flashflow' }));
    expect(sent).toBe('Retrained weekly_report for 2026-12-01: 0.93 (ML &lt;core&gt;)');
    const req = slack.requests[before]!;
    expect(req.path).toBe('/services/T0/B0/secret-token');
    expect(req.json).toEqual({ text: sent, username: 'flashflow' });
  });

  it('fails without retry on a revoked webhook and with retry on a server error', async () => {
    slack.respondWith(404);
    const gone = await run(slackWebhook({ text: 'hello' })).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(NonRetriableError);
    expect(String(gone)).not.toContain('secret-token');
    slack.respondWith(503);
    const busy = await run(slackWebhook({ text: 'hello' })).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(DeliveryError);
    expect(busy).not.toBeInstanceOf(NonRetriableError);
  });

  it('names what is wrong: a connection without URL, a missing param, bad arguments at import', async () => {
    await expect(run(slackWebhook({ connId: 'slack_no_url', text: 'x' }))).rejects.toThrow(/connection 'slack_no_url' has no webhook URL/);
    await expect(run(slackWebhook({ text: '{{ params.nope }}' }))).rejects.toThrow(/placeholder \{\{ params.nope \}\}: this run has no param 'nope'/);
    expect(() => slackWebhook({ text: 'for {{ yesterday }}' })).toThrow(/slackWebhook\(\): invalid arguments: text: unknown placeholder \{\{ yesterday \}\}/);
    expect(() => slackWebhook({ text: ' ' })).toThrow(/text: must not be empty/);
  });
});

describe('in a task runner', () => {
  it('fills a message from the task\'s inputs', async () => {
    const db = await createTestDb();
    const { executor, recorder } = await startConnectionExecutor(db, new SecretBox([randomBytes(32)]), { FLASHFLOW_CONN_SLACK_DEFAULT: connections.slack_default! });
    try {
      const fileloc = fileURLToPath(new URL('../fixtures/workflows/message-operators.ts', import.meta.url));
      const job = taskJob('announce', { dagId: 'message_operators', fileloc, upstream: { train: 0.93 } });
      expect((await recorder.run(job)).finished.outcome).toEqual({ status: 'success', xcom: 'message_operators on 2024-01-01: accuracy 0.93' });
      expect(slack.requests.at(-1)?.json).toEqual({ text: 'message_operators on 2024-01-01: accuracy 0.93' });
    } finally {
      await executor.stop();
      await db.close();
    }
  });
});

describe('email', () => {
  it('sends text and HTML to every recipient, with a file another task of the run wrote', async () => {
    const ctx = context();
    const dir = taskArtifactDir(home, { dagId: ctx.dagId, runId: ctx.runId, taskId: 'report', mapIndex: -1 });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'report.html'), '<h1>Report</h1>');
    const result = await run(
      email({
        to: 'ml@example.com',
        cc: ['lead@example.com'],
        subject: 'Model report {{ ds }}',
        text: 'Accuracy {{ inputs.accuracy }}',
        html: '<p>Team {{ params.team }}: {{ inputs.summary }}</p>',
        attach: [{ task: 'report', file: 'report.html' }],
      }),
      ctx,
    );
    expect(result).toMatchObject({ to: ['ml@example.com'], attached: ['report.html'] });
    const mail = smtp.mails.at(-1)!;
    expect(mail.from).toBe('pipelines@example.com');
    expect(mail.to).toEqual(['ml@example.com', 'lead@example.com']);
    expect(mail.subject).toBe('Model report 2026-12-01');
    const raw = mail.raw.replace(/=\r\n/g, '');
    expect(raw).toContain('Accuracy 0.93');
    expect(raw).toContain('Team ML &lt;core&gt;: {&quot;rows&quot;:150}');
    expect(raw).toMatch(/filename=report\.html/);
    expect(raw).toContain(Buffer.from('<h1>Report</h1>').toString('base64'));
  });

  it('fails without retry when the server refuses the message, with retry when it asks to try later', async () => {
    smtp.failNext(1, 550);
    await expect(run(email({ to: 'a@example.com', subject: 's', text: 't' }))).rejects.toBeInstanceOf(NonRetriableError);
    smtp.failNext(1, 451);
    const later = await run(email({ to: 'a@example.com', subject: 's', text: 't' })).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(DeliveryError);
    expect(later).not.toBeInstanceOf(NonRetriableError);
  });

  it('names what is wrong: a missing attachment, a path out of the folder, no body, a bad address', async () => {
    await expect(run(email({ to: 'a@example.com', subject: 's', text: 't', attach: [{ task: 'report', file: 'missing.csv' }] }))).rejects.toThrow(
      /attachment 'missing.csv' of task 'report' is not in this run's artifacts/,
    );
    expect(() => email({ to: 'a@example.com', subject: 's', text: 't', attach: [{ file: '../secret.key' }] })).toThrow(
      /attach.0.file: must be a path inside the task's artifacts folder/,
    );
    expect(() => email({ to: 'a@example.com', subject: 's' })).toThrow(/give html or text \(or both\) for the body/);
    expect(() => email({ to: 'not-an-address', subject: 's', text: 't' })).toThrow(/email\(\): invalid arguments: to/);
  });
});
