// The asset reads behind /assets and the dataset endpoints, on a real database: assets from DAG definitions and
// events, who produces and consumes each, and each event with the runs it triggered.
import { afterEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { listAssetEvents, listAssets } from '../../lib/store/api-assets';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const page = { limit: 100, offset: 0 };

function driftDags() {
  const detect = dag({ dagId: 'detect' });
  let week = 0;
  detect.task('check', { outlets: ['iris/drift'] }, () => ({ batch: `week-${++week}.csv`, ks: 0.5 }));
  detect.task('archive', { outlets: ['s3://archive/batches'] }, () => 'kept');
  const retrain = dag({ dagId: 'retrain', schedule: { assets: ['iris/drift'] } });
  retrain.task('train', () => 'model');
  const audit = dag({ dagId: 'audit', schedule: { assets: ['iris/drift', 'iris/labels'] } });
  audit.task('look', () => 'ok');
  return [detect, retrain, audit];
}

describe('asset reads', () => {
  it('lists every asset a DAG produces or is scheduled on, with its producers, consumers and updates', async () => {
    engine = await startEngine(driftDags());
    expect((await listAssets(engine.db.sql, {}, page)).rows.map((a) => [a.uri, a.event_count])).toEqual([
      ['iris/drift', 0], ['iris/labels', 0], ['s3://archive/batches', 0],
    ]);
    await engine.trigger('detect');
    const [drift] = (await listAssets(engine.db.sql, { uri: 'iris/drift' }, page)).rows;
    expect(drift).toMatchObject({
      uri: 'iris/drift',
      event_count: 1,
      producing_tasks: [{ dag_id: 'detect', task_id: 'check' }],
      consuming_dags: [{ dag_id: 'audit' }, { dag_id: 'retrain' }],
    });
    expect(drift!.last_event_at).toEqual(engine.clock.now());
    expect(drift!.created_at.getTime()).toBeLessThanOrEqual(drift!.updated_at.getTime());

    const byPattern = await listAssets(engine.db.sql, { uriPattern: 'IRIS' }, page, '-uri');
    expect(byPattern.rows.map((a) => a.uri)).toEqual(['iris/labels', 'iris/drift']);
    expect((await listAssets(engine.db.sql, { dagIds: ['retrain'] }, page)).rows.map((a) => a.uri)).toEqual(['iris/drift']);
    expect((await listAssets(engine.db.sql, {}, { limit: 1, offset: 2 })).total).toBe(3);
  });

  it('lists events newest first with the runs each triggered, and the events one run consumed', async () => {
    engine = await startEngine(driftDags());
    const first = await engine.trigger('detect');
    engine.clock.advance(1000);
    const second = await engine.trigger('detect');

    const events = await listAssetEvents(engine.db.sql, { uri: 'iris/drift' }, page, '-timestamp');
    expect(events.rows.map((e) => [e.source_run_id, e.source_task_id, e.extra])).toEqual([
      [second.runId, 'check', { batch: 'week-2.csv', ks: 0.5 }],
      [first.runId, 'check', { batch: 'week-1.csv', ks: 0.5 }],
    ]);
    const triggered = events.rows.map((e) => e.created_dagruns.map((r) => [r.dag_id, r.state]));
    expect(triggered).toEqual([[['retrain', 'success']], [['retrain', 'success']]]);
    const run = events.rows[0]!.created_dagruns[0]!;
    expect(run.logical_date).toBeInstanceOf(Date);

    const consumed = await listAssetEvents(engine.db.sql, { consumedBy: { dagId: 'retrain', runId: run.run_id } }, page);
    expect(consumed.rows.map((e) => e.source_run_id)).toEqual([second.runId]);
    expect((await listAssetEvents(engine.db.sql, { sourceDagId: 'detect', sourceTaskId: 'archive' }, page)).total).toBe(2);
    expect((await listAssetEvents(engine.db.sql, { sourceRunId: first.runId, sourceMapIndex: -1 }, page)).total).toBe(2);
  });
});
