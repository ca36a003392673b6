// The shipped drift pair end to end: data_drift_detection fetches the reference and the week's batch from a real
// FTP server, tests them for drift, and only on drift updates asset iris/drift; retrain_on_drift, scheduled on that
// asset, reads the batch through the event and retrains. Real runtime and task processes; the clock is shifted.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoFtpServer, type DemoFtpServer } from '../../lib/demo/demo-ftp-server';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { setPaused } from '../../lib/store/dag-admin';
import { ShiftedClock } from '../support/fake-clock';
import { startTestRuntime, taskLog, taskStates, trigger, waitForRun, waitForTask } from '../support/runtime-harness';

const DETECT = 'data_drift_detection';
const RETRAIN = 'retrain_on_drift';
const WEEK = 7 * 86_400_000;
const clock = new ShiftedClock();
let folder: string;
let ftpRoot: string;
let ftp: DemoFtpServer;
let rt: Runtime & { home: string };

const runsOf = (dagId: string) =>
  rt.db.sql.query<{ run_id: string; run_type: string; state: string; conf: Record<string, unknown> }>(
    `SELECT run_id, run_type, state, conf FROM dag_run WHERE dag_id = $1 ORDER BY id`, [dagId]);

async function settle(): Promise<void> {
  rt.scheduler.wake();
  await new Promise((r) => setTimeout(r, 1500));
}

async function waitForRuns(dagId: string, count: number): Promise<Array<{ run_id: string; state: string }>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const runs = await runsOf(dagId);
    if (runs.length >= count && runs.every((r) => r.state === 'success' || r.state === 'failed')) return runs;
    if (Date.now() > deadline) throw new Error(`${dagId}: ${JSON.stringify(runs)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'ff-drift-dags-'));
  ftpRoot = await mkdtemp(path.join(os.tmpdir(), 'ff-drift-ftp-'));
  await writeFile(path.join(folder, 'package.json'), '{ "type": "module" }\n');
  for (const dagId of [DETECT, RETRAIN]) await symlink(path.resolve(`workflows/${dagId}.ts`), path.join(folder, `${dagId}.ts`));
  ftp = await startDemoFtpServer({ root: ftpRoot, port: 0 });
  rt = await startTestRuntime(folder, { FLASHFLOW_CONN_FTP_DEFAULT: ftp.url }, { clock, createScheduledRuns: true });
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await ftp?.close();
  await Promise.all([folder, ftpRoot].map((f) => f && rm(f, { recursive: true, force: true })));
});

describe('data_drift_detection → retrain_on_drift', { timeout: 180_000 }, () => {
  it('starts paused, so a week passes with nothing run downstream', async () => {
    const [row] = await rt.db.sql.query<{ is_paused: boolean }>(`SELECT is_paused FROM dag WHERE dag_id = $1`, [DETECT]);
    expect(row!.is_paused).toBe(true);
    clock.advance(WEEK + 60_000);
    await settle();
    expect(await runsOf(DETECT)).toEqual([]);
    expect(await runsOf(RETRAIN)).toEqual([]);
  });

  it('once switched on, runs its weekly batch; without drift it records the statistics and retrain_on_drift never runs', async () => {
    await setPaused(rt.db.sql, DETECT, false);
    rt.scheduler.wake();
    const [scheduled] = await waitForRuns(DETECT, 1);
    expect(scheduled).toMatchObject({ run_type: 'scheduled', state: 'success' });
    expect(await taskStates(rt, DETECT, scheduled!.run_id)).toEqual({
      detect_drift: 'success', download: 'success', preprocess: 'success', publish_drift: 'skipped',
    });
    const [stats] = await rt.db.sql.query<{ value: { drift: boolean; features: Array<{ feature: string; ks_p_value: number; psi: number }> } }>(
      `SELECT value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = 'detect_drift'`, [DETECT, scheduled!.run_id]);
    expect(stats!.value.drift).toBe(false);
    expect(stats!.value.features.map((f) => f.feature)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    await settle();
    expect(await runsOf(RETRAIN)).toEqual([]);
    expect(await rt.db.sql.query(`SELECT * FROM asset_event`)).toEqual([]);
  });

  it('on a drifted batch, runs retrain_on_drift exactly once, on the batch its asset event points to', async () => {
    const detectRun = await trigger(rt, DETECT, { conf: { batch: 'drifted' } });
    expect(await waitForRun(rt, DETECT, detectRun, 60_000)).toBe('success');
    expect((await taskStates(rt, DETECT, detectRun)).publish_drift).toBe('success');
    const [retrainRun] = await waitForRuns(RETRAIN, 1);
    expect(retrainRun!.state).toBe('success');
    await settle();
    expect(await runsOf(RETRAIN)).toHaveLength(1);

    const links = await rt.db.sql.query<{ source_dag_id: string; source_run_id: string; extra: { batch: string; batch_path: string } }>(
      `SELECT e.source_dag_id, e.source_run_id, e.extra FROM dag_run r
       JOIN dag_run_asset_event l ON l.dag_run_id = r.id JOIN asset_event e ON e.id = l.event_id
       WHERE r.dag_id = $1 AND r.run_id = $2`, [RETRAIN, retrainRun!.run_id]);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ source_dag_id: DETECT, source_run_id: detectRun, extra: { batch: 'drifted' } });
    expect(links[0]!.extra.batch_path).toContain(encodeURIComponent(detectRun));

    const [read] = await rt.db.sql.query<{ value: { event: { batch_path: string; statistics: { drifted_features: string[] } } } }>(
      `SELECT value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = 'read_batch'`, [RETRAIN, retrainRun!.run_id]);
    expect(read!.value.event.batch_path).toBe(links[0]!.extra.batch_path);
    expect(read!.value.event.statistics.drifted_features).toEqual(expect.arrayContaining(['petal_length', 'petal_width']));
    const [report] = await rt.db.sql.query<{ value: { report_path: string } }>(
      `SELECT value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = 'report'`, [RETRAIN, retrainRun!.run_id]);
    expect(existsSync(report!.value.report_path)).toBe(true);
    expect(await readFile(report!.value.report_path, 'utf8')).toContain(`triggered by ${DETECT} run ${detectRun}`);
  });

  it('refuses a drift threshold out of range at trigger, naming the param', async () => {
    await expect(trigger(rt, DETECT, { conf: { ks_p_value: 1.5 } })).rejects.toThrow(/ks_p_value/);
    await expect(trigger(rt, DETECT, { conf: { batch: '../../etc/passwd' } })).rejects.toThrow(/batch/);
  });

  it('fails a retrain_on_drift run that no asset update triggered, saying what to trigger instead', async () => {
    const runId = await trigger(rt, RETRAIN);
    expect(await waitForRun(rt, RETRAIN, runId, 60_000)).toBe('failed');
    const [ti] = await rt.db.sql.query<{ last_error: string; try_number: number }>(
      `SELECT last_error, try_number FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = 'read_batch'`, [RETRAIN, runId]);
    expect(ti!.last_error).toContain('trigger data_drift_detection');
    expect(ti!.try_number).toBe(1);
  });

  it('fails on a missing batch with curl\'s message, and on a corrupt one naming the line', async () => {
    await writeFile(path.join(ftpRoot, 'iris/batches/corrupt.csv'), 'sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n5.0,oops,1.4,0.2,setosa\n');
    const corrupt = await trigger(rt, DETECT, { conf: { batch: 'corrupt' } });
    expect(await waitForRun(rt, DETECT, corrupt, 60_000)).toBe('failed');
    const [pre] = await rt.db.sql.query<{ last_error: string; try_number: number }>(
      `SELECT last_error, try_number FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = 'preprocess'`, [DETECT, corrupt]);
    expect(pre).toMatchObject({ try_number: 1 });
    expect(pre!.last_error).toContain("corrupt.csv line 3: sepal_width 'oops': expected a number");

    const missing = await trigger(rt, DETECT, { conf: { batch: 'no_such_week' } });
    await waitForTask(rt, DETECT, missing, 'download', 'up_for_retry', 60_000);
    clock.advance(5 * 60_000);
    expect(await waitForRun(rt, DETECT, missing, 60_000)).toBe('failed');
    expect(await taskLog(rt, DETECT, missing, 'download', 2)).toContain('curl: (78) The file does not exist');
  });
});
