// The shipped weekly_model_retrain DAG end to end: its shell script fetching from a real FTP server (the demo
// server of `flashflow demo ftp`) with curl, real training, artifacts on disk, and alert mails to a real SMTP sink.
// The runtime's clock is real time plus skips, so the 5-minute retry delay is a clock advance.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taskArtifactDir } from '../../lib/artifacts/artifact-paths';
import { startDemoFtpServer, type DemoFtpServer } from '../../lib/demo/demo-ftp-server';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { createConnection, deleteConnection } from '../../lib/store/connections';
import { setPaused } from '../../lib/store/dag-admin';
import { deleteVariable, insertVariable } from '../../lib/store/variables';
import { ShiftedClock } from '../support/fake-clock';
import { startTestRuntime, taskLog, taskStates, trigger, waitForRun, waitForTask } from '../support/runtime-harness';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const DAG = 'weekly_model_retrain';
const FIVE_MINUTES = 5 * 60_000;
const clock = new ShiftedClock();
let folder: string;
let ftpRoot: string;
let ftp: DemoFtpServer;
let smtp: SmtpSink;
let rt: Runtime & { home: string };

async function useFtp(password: string, port = ftp.port): Promise<void> {
  await deleteConnection(rt.db.prisma, 'ftp_default').catch(() => null);
  await createConnection(rt.db.prisma, rt.secrets, { conn_id: 'ftp_default', conn_type: 'ftp', host: '127.0.0.1', port, login: 'flashflow', password });
}

async function setMinAccuracy(value: string): Promise<void> {
  await deleteVariable(rt.db.sql, 'weekly_model_retrain_min_accuracy');
  await insertVariable(rt.db.sql, { key: 'weekly_model_retrain_min_accuracy', value, description: null });
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'ff-weekly-dags-'));
  ftpRoot = await mkdtemp(path.join(os.tmpdir(), 'ff-weekly-ftp-'));
  await writeFile(path.join(folder, 'package.json'), '{ "type": "module" }\n');
  await symlink(path.resolve('workflows/weekly_model_retrain.ts'), path.join(folder, 'weekly_model_retrain.ts'));
  [ftp, smtp] = await Promise.all([startDemoFtpServer({ root: ftpRoot, port: 0 }), startSmtpSink()]);
  rt = await startTestRuntime(folder, {
    FLASHFLOW_SMTP_HOST: '127.0.0.1',
    FLASHFLOW_SMTP_PORT: String(smtp.port),
    FLASHFLOW_SMTP_STARTTLS: 'false',
    FLASHFLOW_BASE_URL: 'https://flashflow.example.com',
  }, { clock });
  await insertVariable(rt.db.sql, { key: 'ml_alert_emails', value: 'ml-team@example.com', description: 'who hears about the weekly model' });
  // Paused when first created, as the walkthrough says; a paused DAG's runs wait.
  await setPaused(rt.db.sql, DAG, false);
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await Promise.all([ftp?.close(), smtp?.close()]);
  await Promise.all([folder, ftpRoot].map((f) => f && rm(f, { recursive: true, force: true })));
});

beforeEach(async () => {
  await useFtp('flashflow');
  await setMinAccuracy('0.8');
  smtp.mails.length = 0;
});

describe('weekly_model_retrain', { timeout: 180_000 }, () => {
  it('downloads over FTP, trains, and leaves the model, its metrics and an HTML report as artifacts', async () => {
    const runId = await trigger(rt, DAG);
    expect(await waitForRun(rt, DAG, runId, 60_000)).toBe('success');
    expect(await taskStates(rt, DAG, runId)).toEqual({ download: 'success', preprocess: 'success', report: 'success', train: 'success' });
    expect(await taskLog(rt, DAG, runId, 'download', 1)).toContain('saved iris.csv: ');

    const dir = (taskId: string) => taskArtifactDir(rt.home, { dagId: DAG, runId, taskId, mapIndex: -1 });
    expect(existsSync(path.join(dir('download'), 'iris.csv'))).toBe(true);
    const metrics = JSON.parse(await readFile(path.join(dir('train'), 'metrics.json'), 'utf8'));
    expect(metrics.accuracy).toBeGreaterThan(0.85);
    expect(metrics.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(metrics.matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(metrics.test_size);
    expect(JSON.parse(await readFile(path.join(dir('train'), 'model.json'), 'utf8')).labels).toHaveLength(3);
    const report = await readFile(path.join(dir('report'), 'report.html'), 'utf8');
    expect(report).toContain(`${(metrics.accuracy * 100).toFixed(1)} %`);
    expect(report).toContain('<svg');
    expect(report).not.toContain('<script');
    await rt.alerts.idle();
    expect(smtp.mails).toEqual([]);
  });

  it('retries a failed train exactly 5 minutes later after one retry email, and sends no failure email when it then succeeds', async () => {
    await setMinAccuracy('1.01');
    const runId = await trigger(rt, DAG);
    await waitForTask(rt, DAG, runId, 'train', 'up_for_retry', 60_000);
    await rt.alerts.idle();
    expect(smtp.mails.map((m) => [m.to, m.subject])).toEqual([
      [['ml-team@example.com'], `[Flashflow] Task up for retry: ${DAG}.train (run ${runId}, try 1)`],
    ]);
    expect(smtp.mails[0]!.text).toContain('is below the floor of 101 %');

    const [waiting] = await rt.db.sql.query<{ next_retry_at: Date; end_date: Date }>(
      `SELECT next_retry_at, end_date FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = 'train'`, [DAG, runId]);
    // The delay counts from when the scheduler saw the try end, a moment after the runner ended it.
    expect(waiting!.next_retry_at.getTime() - waiting!.end_date.getTime()).toBeGreaterThanOrEqual(FIVE_MINUTES);
    expect(waiting!.next_retry_at.getTime() - waiting!.end_date.getTime()).toBeLessThan(FIVE_MINUTES + 5_000);
    await setMinAccuracy('0.8');
    rt.scheduler.wake();
    await new Promise((r) => setTimeout(r, 500));
    expect((await taskStates(rt, DAG, runId)).train).toBe('up_for_retry');
    clock.advance(FIVE_MINUTES);
    expect(await waitForRun(rt, DAG, runId, 60_000)).toBe('success');
    const tries = await rt.db.sql.query<{ try_number: number; state: string }>(
      `SELECT try_number, state FROM task_instance_history WHERE dag_id = $1 AND run_id = $2 AND task_id = 'train' AND cause = 'scheduler' ORDER BY try_number`,
      [DAG, runId],
    );
    expect(tries).toEqual([{ try_number: 1, state: 'up_for_retry' }, { try_number: 2, state: 'success' }]);
    await rt.alerts.idle();
    expect(smtp.mails).toHaveLength(1);
  });

  it('fails the run after a second failure: one failure email linking the log, and report upstream_failed', async () => {
    await setMinAccuracy('1.01');
    const runId = await trigger(rt, DAG);
    await waitForTask(rt, DAG, runId, 'train', 'up_for_retry', 60_000);
    clock.advance(FIVE_MINUTES);
    expect(await waitForRun(rt, DAG, runId, 60_000)).toBe('failed');
    expect(await taskStates(rt, DAG, runId)).toEqual({ download: 'success', preprocess: 'success', report: 'upstream_failed', train: 'failed' });
    await rt.alerts.idle();
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      `[Flashflow] Task up for retry: ${DAG}.train (run ${runId}, try 1)`,
      `[Flashflow] Task failed: ${DAG}.train (run ${runId}, try 2)`,
    ]);
    expect(smtp.mails[1]!.text).toContain(`Log: https://flashflow.example.com/dags/${DAG}/runs/${encodeURIComponent(runId)}/tasks/train?map_index=-1&try=2`);
  });

  it.each([
    ['a wrong password', () => useFtp('not-the-password'), 'curl: (67) Access denied: 530'],
    ['no FTP server', () => useFtp('flashflow', 1), "curl: (7) Failed to connect to 127.0.0.1 port 1"],
  ])('fails download with curl\'s message in its log when there is %s', async (_what, breakFtp, message) => {
    await breakFtp();
    const runId = await trigger(rt, DAG);
    await waitForTask(rt, DAG, runId, 'download', 'up_for_retry', 60_000);
    clock.advance(FIVE_MINUTES);
    expect(await waitForRun(rt, DAG, runId, 60_000)).toBe('failed');
    for (const tryNumber of [1, 2]) expect(await taskLog(rt, DAG, runId, 'download', tryNumber)).toContain(message);
    expect(await taskStates(rt, DAG, runId)).toMatchObject({ download: 'failed', preprocess: 'upstream_failed' });
    const [running] = await rt.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND state IN ('running', 'queued')`, [DAG, runId]);
    expect(running!.n).toBe(0);
  });
});
