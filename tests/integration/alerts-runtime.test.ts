// The wiring in startRuntime: alerts and metrics configured from the environment, with real task processes, a
// real SMTP sink and a Slack sink. Real time here (the LocalExecutor), so only the first delivery is awaited.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { listNotifications } from '../../lib/store/notifications';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { startTestRuntime, trigger, waitForRun } from '../support/runtime-harness';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

let folder: string;
let smtp: SmtpSink;
let slack: HttpSink;
let rt: Runtime;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'ff-alert-dags-'));
  await writeFile(path.join(folder, 'package.json'), '{ "type": "module" }\n');
  await writeFile(path.join(folder, 'alerting.ts'), [
    `import { dag } from 'flashflow';`,
    `export const d = dag({ dagId: 'rt_alerting', schedule: null, defaultArgs: { email: 'ops@example.com', retries: 0 } });`,
    `d.task('explode', () => { throw new Error('disk full'); });`,
    '',
  ].join('\n'));
  [smtp, slack] = await Promise.all([startSmtpSink(), startHttpSink()]);
  rt = await startTestRuntime(folder, {
    FLASHFLOW_SMTP_HOST: '127.0.0.1',
    FLASHFLOW_SMTP_PORT: String(smtp.port),
    FLASHFLOW_SMTP_STARTTLS: 'false',
    FLASHFLOW_SMTP_MAIL_FROM: 'flashflow@rt.test',
    FLASHFLOW_SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/X`,
    FLASHFLOW_BASE_URL: 'https://flashflow.example.com',
  });
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await Promise.all([smtp?.close(), slack?.close()]);
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('alerts and metrics in the runtime', () => {
  it('emails and posts to Slack when a task fails, and counts the try in /metrics', async () => {
    const runId = await trigger(rt, 'rt_alerting');
    expect(await waitForRun(rt, 'rt_alerting', runId)).toBe('failed');
    await rt.alerts.idle();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: 'flashflow@rt.test', to: ['ops@example.com'] });
    expect(smtp.mails[0]!.text).toContain(`Log: https://flashflow.example.com/dags/rt_alerting/runs/${encodeURIComponent(runId)}/tasks/explode?map_index=-1&try=1`);
    expect(slack.requests).toHaveLength(1);
    const rows = await listNotifications(rt.db.prisma, { dagId: 'rt_alerting' });
    expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([['email', 'sent'], ['slack', 'sent']]);

    const text = await rt.metrics.render();
    expect(text).toContain('flashflow_task_tries_ended_total{dag_id="rt_alerting",state="failed"} 1');
    expect(text).toMatch(/flashflow_executor_open_slots \d+/);
    expect(text).toMatch(/flashflow_scheduler_heartbeat_timestamp_seconds \d/);
  });
});
