// The reads behind a task instance's result and alerts (its page and the API), on a real database.
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { findXcom, listXcomEntries } from '../../lib/store/api-xcoms';
import { countNotifications, listNotifications, recordNotifications, type NewNotification } from '../../lib/store/notifications';
import type { Database } from '../../lib/store/database';
import { startEngine, type Engine } from '../support/engine-harness';
import { createTestDb } from '../support/test-db';

let engine: Engine | null = null;
let db: Database | null = null;
afterEach(async () => {
  await engine?.close();
  await db?.close();
  engine = null;
  db = null;
});

function statsDag() {
  const d = dag({ dagId: 'drift_stats' });
  const features = d.task('features', () => ['sepal', 'petal']);
  d.task('ks', { expand: features }, (ctx) => ({ feature: ctx.item, statistic: ctx.mapIndex / 10 }));
  return d;
}

const everywhere = { dagId: null, runId: null, taskId: null };

describe('XCom reads', () => {
  it('lists entries by run, task and map index without values, and finds one with its value', async () => {
    engine = await startEngine([statsDag()]);
    const first = await engine.trigger('drift_stats');
    engine.clock.advance(1000);
    const second = await engine.trigger('drift_stats');

    const all = await listXcomEntries(engine.db.sql, everywhere, { limit: 100, offset: 0 });
    expect(all.total).toBe(6);
    expect(all.rows[0]).not.toHaveProperty('value');

    const ks = await listXcomEntries(engine.db.sql, { dagId: 'drift_stats', runId: second.runId, taskId: 'ks' }, { limit: 100, offset: 0 });
    expect(ks.rows.map((r) => [r.run_id, r.task_id, r.map_index, r.key])).toEqual([
      [second.runId, 'ks', 0, 'return_value'],
      [second.runId, 'ks', 1, 'return_value'],
    ]);
    expect(ks.rows[0]!.logical_date).toBeInstanceOf(Date);

    const one = await listXcomEntries(engine.db.sql, { ...everywhere, mapIndex: 1, key: 'return_value' }, { limit: 1, offset: 1 });
    expect(one.total).toBe(2);
    expect(one.rows).toHaveLength(1);
    expect(await listXcomEntries(engine.db.sql, { ...everywhere, key: 'other' }, { limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });

    const petal = await findXcom(engine.db.sql, { dagId: 'drift_stats', runId: first.runId, taskId: 'ks', mapIndex: 1, key: 'return_value' });
    expect(petal).toMatchObject({ map_index: 1, value: { feature: 'petal', statistic: 0.1 } });
    expect(await findXcom(engine.db.sql, { dagId: 'drift_stats', runId: first.runId, taskId: 'ks', mapIndex: 2, key: 'return_value' })).toBeNull();
  });
});

describe('notification reads', () => {
  it('filters alerts down to one instance of a mapped task, pages them oldest first and counts them', async () => {
    db = await createTestDb();
    const prisma = db.prisma;
    const alert = (mapIndex: number, tryNumber: number, channel: string): NewNotification => ({
      channel, recipient: channel === 'email' ? 'ops@example.com' : null, kind: 'retry', dagId: 'd', runId: 'r', taskId: 'ks',
      mapIndex, tryNumber, subject: `try ${tryNumber}`, body: '', status: channel === 'none' ? 'skipped' : 'pending',
    });
    const now = new Date('2026-12-07T10:00:00Z');
    for (const [mapIndex, tryNumber] of [[0, 1], [1, 1], [1, 2]] as const) {
      await recordNotifications(prisma, [alert(mapIndex, tryNumber, 'email'), alert(mapIndex, tryNumber, 'webhook')], now);
    }
    const instance = { dagId: 'd', runId: 'r', taskId: 'ks', mapIndex: 1 };
    expect(await countNotifications(prisma, instance)).toBe(4);
    expect(await countNotifications(prisma, { ...instance, mapIndex: undefined })).toBe(6);
    const page = await listNotifications(prisma, { ...instance, limit: 2, offset: 1 });
    expect(page.map((n) => [n.mapIndex, n.tryNumber, n.channel])).toEqual([[1, 1, 'webhook'], [1, 2, 'email']]);
    expect(await listNotifications(prisma, { ...instance, taskId: 'other' })).toEqual([]);
  });
});
