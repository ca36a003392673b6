import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { startTestRuntime, taskError, trigger, waitForRun } from '../support/runtime-harness';

const FOLDER = path.resolve(__dirname, '../fixtures/dags-operators');
let rt: Runtime;

beforeAll(async () => {
  rt = await startTestRuntime(FOLDER);
}, 60_000);
afterAll(async () => rt?.stop());

describe('cross-DAG operators in real runner processes', () => {
  it('triggers another DAG with conf and waits for it; a retried try does not trigger twice', async () => {
    const runId = await trigger(rt, 'parent');
    expect(await waitForRun(rt, 'parent', runId)).toBe('success');
    const child = await rt.db.sql.query<{ run_id: string; conf: unknown; state: string }>(`SELECT run_id, conf, state FROM dag_run WHERE dag_id = 'child'`);
    expect(child).toEqual([{ run_id: `triggered__parent__${runId}`, conf: { deck: 'Amélie' }, state: 'success' }]);
    const [xcom] = await rt.db.sql.query<{ value: unknown }>(`SELECT value FROM xcom WHERE dag_id = 'parent'`);
    expect(xcom!.value).toEqual({ dag_id: 'child', dag_run_id: `triggered__parent__${runId}`, state: 'success' });
  });

  it('fails when the triggered run fails, naming it', async () => {
    const runId = await trigger(rt, 'parent_of_failure');
    expect(await waitForRun(rt, 'parent_of_failure', runId)).toBe('failed');
    expect(await taskError(rt, 'parent_of_failure', runId, 'start_child')).toMatch(/triggered run failing_child\/triggered__parent_of_failure__.* ended failed/);
  });

  it('senses a task of another DAG at the same logical date, and an asset update', async () => {
    const logicalDate = new Date('2026-02-02T00:00:00Z');
    const watcherRun = await trigger(rt, 'watcher', { logicalDate, runId: 'w1' });
    const assetRun = await trigger(rt, 'asset_watcher', { logicalDate: new Date(Date.now() - 1000), runId: 'a1' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await rt.db.sql.query<{ state: string }>(`SELECT state FROM task_instance WHERE run_id = 'w1'`))[0]!.state).toBe('running');
    await trigger(rt, 'child', { logicalDate, runId: 'c1' });
    expect(await waitForRun(rt, 'watcher', watcherRun)).toBe('success');
    expect(await waitForRun(rt, 'asset_watcher', assetRun)).toBe('success');
  });

  it('reschedules a sensor between pokes in reschedule mode, all pokes one try with one log', async () => {
    const logicalDate = new Date('2026-02-03T00:00:00Z');
    const runId = await trigger(rt, 'patient_watcher', { logicalDate, runId: 'p1' });
    const sensor = async () => (await rt.db.sql.query<{ id: string; state: string; try_number: number }>(
      `SELECT id, state, try_number FROM task_instance WHERE run_id = 'p1'`))[0]!;
    const deadline = Date.now() + 10_000;
    while ((await sensor()).state !== 'up_for_reschedule') {
      if (Date.now() > deadline) throw new Error(`the sensor never waited up_for_reschedule (${(await sensor()).state})`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await trigger(rt, 'child', { logicalDate, runId: 'c2' });
    expect(await waitForRun(rt, 'patient_watcher', runId)).toBe('success');
    const { id, try_number } = await sensor();
    expect(try_number).toBe(1);
    const logs = await rt.db.sql.query<{ try_number: number; line: string }>(
      `SELECT try_number, line FROM task_log WHERE ti_id = $1 AND line LIKE '%still waiting%' ORDER BY id`, [id]);
    expect(logs.length).toBeGreaterThanOrEqual(1);
    expect(logs.every((l) => l.try_number === 1 && /next poke at \S+, holding no slot meanwhile/.test(l.line))).toBe(true);
    const history = await rt.db.sql.query<{ state: string }>(`SELECT state FROM task_instance_history WHERE ti_id = $1`, [id]);
    expect(history).toEqual([{ state: 'success' }]);
  });

  it('fails a sensor at its timeout without retrying', async () => {
    const runId = await trigger(rt, 'impatient');
    expect(await waitForRun(rt, 'impatient', runId)).toBe('failed');
    expect(await taskError(rt, 'impatient', runId, 'wait_forever')).toMatch(/NonRetriableError: sensor timed out after \d+ s waiting for child\.never/);
  });

  it('waits for a time after the data interval end', async () => {
    const started = Date.now();
    const runId = await trigger(rt, 'delayed', { logicalDate: new Date() });
    expect(await waitForRun(rt, 'delayed', runId)).toBe('success');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});
