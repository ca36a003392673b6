import { afterEach, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { engineServices } from '../../lib/store/engine-services';
import { triggerDagRun } from '../../lib/store/trigger-dag-run';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const runs = (e: Engine, dagId: string) =>
  e.db.sql.query<{ run_type: string; state: string }>(`SELECT run_type, state FROM dag_run WHERE dag_id = $1 ORDER BY id`, [dagId]);

describe('scheduler: asset-triggered DAGs', () => {
  it('runs a DAG scheduled on an asset after a task that updates it succeeds, and records the event', async () => {
    const producer = dag({ dagId: 'detect_drift' });
    producer.task('detect', { outlets: ['flashflow://models/drift'] }, () => ({ drift: 0.4 }));
    const consumer = dag({ dagId: 'retrain', schedule: { assets: ['flashflow://models/drift'] } });
    consumer.task('train', () => 'model-v2');
    engine = await startEngine([producer, consumer]);
    expect(await runs(engine, 'retrain')).toEqual([]);
    await engine.trigger('detect_drift');
    expect(await runs(engine, 'retrain')).toEqual([{ run_type: 'asset_triggered', state: 'success' }]);
    const events = await engine.db.sql.query(`SELECT uri, source_dag_id, source_task_id FROM asset_event`);
    expect(events).toEqual([{ uri: 'flashflow://models/drift', source_dag_id: 'detect_drift', source_task_id: 'detect' }]);
  });

  it('waits until every asset of its schedule has been updated, and not for failed producers', async () => {
    const a = dag({ dagId: 'make_a' });
    a.task('a', { outlets: ['s3://bucket/a'] }, () => 1);
    const b = dag({ dagId: 'make_b' });
    b.task('b', { outlets: ['s3://bucket/b'] }, () => {
      throw new Error('no data today');
    });
    const b2 = dag({ dagId: 'make_b_ok' });
    b2.task('b', { outlets: ['s3://bucket/b'] }, () => 1);
    const both = dag({ dagId: 'join_ab', schedule: { assets: ['s3://bucket/a', 's3://bucket/b'] } });
    both.task('join', () => 1);
    engine = await startEngine([a, b, b2, both]);
    await engine.trigger('make_a');
    await engine.trigger('make_b');
    expect(await runs(engine, 'join_ab')).toEqual([]);
    await engine.trigger('make_b_ok');
    expect(await runs(engine, 'join_ab')).toEqual([{ run_type: 'asset_triggered', state: 'success' }]);
    engine.clock.advance(1000);
    await engine.trigger('make_a');
    expect(await runs(engine, 'join_ab')).toHaveLength(1);
  });

  it('gives each event the producer\'s result as its extra and links every run to the events it consumed, once', async () => {
    const producer = dag({ dagId: 'detect_drift' });
    let week = 0;
    producer.task('publish', { outlets: ['iris/drift'] }, () => ({ batch: `/data/week-${++week}.csv`, ks: 0.5 }));
    producer.task('publish_list', { outlets: ['iris/list'] }, () => [1, 2]);
    const consumer = dag({ dagId: 'retrain', schedule: { assets: ['iris/drift'] } });
    consumer.task('train', () => 'model');
    engine = await startEngine([producer, consumer]);
    const first = await engine.trigger('detect_drift');
    engine.clock.advance(1000);
    const second = await engine.trigger('detect_drift');

    const events = await engine.db.sql.query(`SELECT uri, extra, source_run_id FROM asset_event ORDER BY id`);
    expect(events).toEqual([
      { uri: 'iris/drift', extra: { batch: '/data/week-1.csv', ks: 0.5 }, source_run_id: first.runId },
      { uri: 'iris/list', extra: {}, source_run_id: first.runId },
      { uri: 'iris/drift', extra: { batch: '/data/week-2.csv', ks: 0.5 }, source_run_id: second.runId },
      { uri: 'iris/list', extra: {}, source_run_id: second.runId },
    ]);

    const consumerRuns = await engine.db.sql.query<{ run_id: string }>(`SELECT run_id FROM dag_run WHERE dag_id = 'retrain' ORDER BY id`);
    expect(consumerRuns).toHaveLength(2);
    const assets = engineServices(engine.db.sql, () => engine!.clock.now(), () => {}).assets;
    const job = (runId: string) => ({ dagId: 'retrain', runId, taskId: 'train', mapIndex: -1, tryNumber: 1 });
    const seen = await Promise.all(consumerRuns.map((r) => assets.triggeringEvents(job(r.run_id) as never, {})));
    expect(seen.map((list) => list.map((e) => [e.extra.batch, e.source_dag_id, e.source_run_id]))).toEqual([
      [['/data/week-1.csv', 'detect_drift', first.runId]],
      [['/data/week-2.csv', 'detect_drift', second.runId]],
    ]);
    expect(await assets.triggeringEvents(job('no-such-run') as never, {})).toEqual([]);
  });

  it('answers another DAG\'s task result at a logical date from its latest run where that task succeeded', async () => {
    const producer = dag({ dagId: 'ocr' });
    let call = 0;
    producer.task('extract', () => ({ text: `page ${++call}` }));
    producer.task('pages', { expand: producer.task('list', () => ['a', 'b']) }, ({ item }) => item.toUpperCase());
    engine = await startEngine([producer]);
    const day = new Date('2026-03-01T00:00:00Z');
    for (const runId of ['first', 'second']) {
      await triggerDagRun(engine.db.sql, { dagId: 'ocr', runId, logicalDate: day }, engine.clock.now());
      engine.scheduler.wake();
      await engine.settle();
    }
    const tasks = engineServices(engine.db.sql, () => engine!.clock.now(), () => {}).tasks;
    const job = { dagId: 'model', runId: 'r', taskId: 't', mapIndex: -1, tryNumber: 1 } as never;
    expect(await tasks.result(job, { dagId: 'ocr', taskId: 'extract', logicalDate: day })).toEqual({ run_id: 'second', value: { text: 'page 2' } });
    expect(await tasks.result(job, { dagId: 'ocr', taskId: 'pages', logicalDate: day })).toEqual({ run_id: 'second', value: ['A', 'B'] });
    expect(await tasks.result(job, { dagId: 'ocr', taskId: 'extract', logicalDate: new Date('2026-03-02T00:00:00Z') })).toBeNull();
  });
});

