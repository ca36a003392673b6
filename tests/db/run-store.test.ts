import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileDag } from '../../lib/engine/compile-dag';
import { dag } from 'flashflow';
import type { SerializedDag } from '../../lib/engine/dag-model';
import type { RunStore } from '../../lib/engine/run-store-port';
import type { Database } from '../../lib/store/database';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { syncDags } from '../../lib/store/sync-dags';
import { createTestDb } from '../support/test-db';

let db: Database;
let store: RunStore;
let serialized: SerializedDag;
const now = new Date('2026-03-01T12:00:00Z');
const run = { dagId: 'd', runId: 'r1', runType: 'manual' as const, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, conf: {}, externalTrigger: true };

beforeEach(async () => {
  db = await createTestDb();
  store = sqlRunStore(db.sql);
  const d = dag({ dagId: 'd', schedule: { assets: ['a://x'] } });
  d.task('t', { retries: 1 }, () => 1);
  const c = compileDag(d, '/d.ts');
  if (!c.ok) throw new Error(c.errors.join());
  serialized = c.dag;
  await syncDags(db.sql, { dags: [serialized], errors: [], files: [] }, now);
});
afterEach(async () => db.close());

describe('SQL run store guards', () => {
  it('creates a run with one task instance per task, and refuses a second run with the same id', async () => {
    expect(await store.createRun(run, serialized, now)).toBe(true);
    expect(await store.createRun(run, serialized, now)).toBe(false);
    const tis = await db.sql.query(`SELECT task_id, state, max_tries FROM task_instance`);
    expect(tis).toEqual([{ task_id: 't', state: 'none', max_tries: 1 }]);
  });

  it('rolls back the consumed asset queue when the asset-triggered run cannot be created', async () => {
    await store.createRun(run, serialized, now);
    await db.sql.query(`INSERT INTO asset_dag_run_queue (uri, target_dag_id) VALUES ('a://x', 'd')`);
    expect(await store.createAssetRun(run, serialized, ['a://x'], now)).toBe(false);
    expect(await db.sql.query(`SELECT uri FROM asset_dag_run_queue`)).toEqual([{ uri: 'a://x' }]);
    expect(await store.createAssetRun({ ...run, runId: 'r2' }, serialized, ['a://x'], now)).toBe(true);
    expect(await db.sql.query(`SELECT uri FROM asset_dag_run_queue`)).toEqual([]);
  });

  it('applies a decision only from the state it was planned from', async () => {
    await store.createRun(run, serialized, now);
    const [ti] = await db.sql.query<{ id: string }>(`SELECT id FROM task_instance`);
    expect(await store.applyDecisions([{ id: ti!.id, from: 'scheduled', to: 'skipped' }], now)).toBe(0);
    expect(await store.applyDecisions([{ id: ti!.id, from: 'none', to: 'scheduled' }], now)).toBe(1);
  });

  it('ends a try only for its own try number, once, with one history row', async () => {
    await store.createRun(run, serialized, now);
    await store.startQueuedRuns(now);
    const [ti] = await db.sql.query<{ id: string }>(`SELECT id FROM task_instance`);
    await store.applyDecisions([{ id: ti!.id, from: 'none', to: 'scheduled' }], now);
    const [queued] = await store.queueScheduled(10, now);
    expect(queued!.tryNumber).toBe(1);
    const end = { tiId: ti!.id, state: 'success' as const, at: now, nextRetryAt: null, error: null, xcom: { n: 1 } };
    expect(await store.finishTries([{ ...end, tryNumber: 2 }])).toEqual([]);
    expect(await store.finishTries([{ ...end, tryNumber: 1 }])).toHaveLength(1);
    expect(await store.finishTries([{ ...end, tryNumber: 1, state: 'failed' }])).toEqual([]);
    expect(await db.sql.query(`SELECT state FROM task_instance`)).toEqual([{ state: 'success' }]);
    expect(await db.sql.query(`SELECT try_number, state FROM task_instance_history`)).toEqual([{ try_number: 1, state: 'success' }]);
    expect(await db.sql.query(`SELECT value FROM xcom`)).toEqual([{ value: { n: 1 } }]);
  });
});

describe('ending mapped tries', () => {
  it('says whether another instance of the mapped task is still in flight, not counting those it ends', async () => {
    const d = dag({ dagId: 'm' });
    d.task('word', { expand: d.task('src', () => [1, 2, 3]) }, () => null);
    const c = compileDag(d, '/m.ts');
    if (!c.ok) throw new Error(c.errors.join());
    await syncDags(db.sql, { dags: [serialized, c.dag], errors: [], files: [] }, now);
    const mapped = { ...run, dagId: 'm' };
    await store.createRun(mapped, c.dag, now);
    await store.startQueuedRuns(now);
    await store.expandMapped(mapped, 'word', 3, now);
    const tis = await db.sql.query<{ id: string; map_index: number }>(`SELECT id, map_index FROM task_instance WHERE task_id = 'word' ORDER BY map_index`);
    await store.applyDecisions(tis.map((ti) => ({ id: ti.id, from: 'none' as const, to: 'scheduled' as const })), now);
    await store.queueScheduled(10, now);
    const end = (i: number, state: 'success' | 'failed' = 'success') =>
      ({ tiId: tis[i]!.id, tryNumber: 1, state, at: now, nextRetryAt: null, error: null, xcom: i });
    const flags = async (...ends: ReturnType<typeof end>[]) =>
      (await store.finishTries(ends)).map((f) => [f.mapIndex, f.state, f.siblingInFlight]).sort();
    expect(await flags(end(0), end(1))).toEqual([[0, 'success', true], [1, 'success', true]]);
    expect(await flags(end(2))).toEqual([[2, 'success', false]]);
  });
});

describe('mapped items', () => {
  it('cuts each instance its element of the source list, null where there is none', async () => {
    await store.createRun(run, serialized, now);
    await db.sql.query(
      `INSERT INTO xcom (dag_id, run_id, task_id, map_index, key, value, timestamp) VALUES ('d', 'r1', 'src', -1, 'return_value', $1::jsonb, $2)`,
      [JSON.stringify(['a', null, { x: 1 }]), now],
    );
    const ask = (index: number) => ({ dagId: 'd', runId: 'r1', taskId: 'src', index });
    const items = await store.loadMappedItems([ask(0), ask(1), ask(2), ask(3)]);
    expect(items.map((i) => [i.index, i.value]).sort()).toEqual([[0, 'a'], [1, null], [2, { x: 1 }], [3, null]]);
    expect(await store.loadMappedItems([{ ...ask(0), runId: 'other' }])).toEqual([]);
  });
});

describe('task logs', () => {
  it('keeps a batch of log lines in the order they were written', async () => {
    await store.createRun(run, serialized, now);
    const [ti] = await db.sql.query<{ id: string }>(`SELECT id FROM task_instance`);
    const lines = Array.from({ length: 50 }, (_, i) => ({ tiId: ti!.id, tryNumber: 1, stream: 'log' as const, line: `line ${i}`, at: now }));
    await store.appendLogs(lines);
    const stored = await db.sql.query<{ line: string }>(`SELECT line FROM task_log ORDER BY id`);
    expect(stored.map((s) => s.line)).toEqual(lines.map((l) => l.line));
  });

  it('stores the lines that came with ends in the ends\' statement, in order, after any appended before', async () => {
    await store.createRun(run, serialized, now);
    await store.startQueuedRuns(now);
    const [ti] = await db.sql.query<{ id: string }>(`SELECT id FROM task_instance`);
    await store.applyDecisions([{ id: ti!.id, from: 'none', to: 'scheduled' }], now);
    await store.queueScheduled(10, now);
    const line = (n: number) => ({ tiId: ti!.id, tryNumber: 1, stream: 'log' as const, line: `line ${n}`, at: now });
    await store.appendLogs([line(0)]);
    const end = { tiId: ti!.id, tryNumber: 1, state: 'success' as const, at: now, nextRetryAt: null, error: null, xcom: 1 };
    expect(await store.finishTries([end], [line(1), line(2), line(3)])).toHaveLength(1);
    const stored = await db.sql.query<{ line: string }>(`SELECT line FROM task_log ORDER BY id`);
    expect(stored.map((s) => s.line)).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
    expect(await db.sql.query(`SELECT state FROM task_instance`)).toEqual([{ state: 'success' }]);
  });
});
