import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dag } from 'flashflow';
import { setPaused } from '../../lib/store/dag-admin';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const runsOf = (e: Engine, dagId: string) =>
  e.db.sql.query<{ run_id: string; state: string; data_interval_start: Date; data_interval_end: Date }>(
    `SELECT run_id, state, data_interval_start, data_interval_end FROM dag_run WHERE dag_id = $1 ORDER BY logical_date`,
    [dagId],
  );

describe('scheduler: schedules, limits and pools', () => {
  it('runs a daily DAG without catchup once for the latest complete day, then each following day', async () => {
    const d = dag({ dagId: 'daily', schedule: '@daily', startDate: '2026-01-01' });
    d.task('t', () => 1);
    engine = await startEngine([d], { start: '2026-01-05T10:00:00Z' });
    let runs = await runsOf(engine, 'daily');
    expect(runs.map((r) => [r.run_id, r.state])).toEqual([['scheduled__2026-01-04T00:00:00.000Z', 'success']]);
    expect(runs[0]!.data_interval_end.toISOString()).toBe('2026-01-05T00:00:00.000Z');

    await engine.advance(13 * 3600_000); // 2026-01-05T23:00 — the day is not over yet
    expect(await runsOf(engine, 'daily')).toHaveLength(1);
    await engine.advance(3600_000); // midnight
    runs = await runsOf(engine, 'daily');
    expect(runs.map((r) => r.run_id)).toEqual(['scheduled__2026-01-04T00:00:00.000Z', 'scheduled__2026-01-05T00:00:00.000Z']);
  });

  it('catches up on every missed interval, never more than maxActiveRuns at once', async () => {
    let concurrent = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const d = dag({ dagId: 'catchup', schedule: '@daily', startDate: '2026-01-01', catchup: true, maxActiveRuns: 2 });
    d.task('t', async () => {
      peak = Math.max(peak, ++concurrent);
      await new Promise<void>((r) => release.push(r));
      concurrent--;
      return null;
    });
    engine = await startEngine([d], { start: '2026-01-05T10:00:00Z' });
    for (let i = 0; i < 6; i++) {
      release.splice(0).forEach((r) => r());
      await engine.settle();
      await engine.advance(1000);
    }
    const runs = await runsOf(engine, 'catchup');
    expect(runs.map((r) => r.run_id.slice(11, 21))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
    expect(runs.every((r) => r.state === 'success')).toBe(true);
    expect(peak).toBe(2);
  });

  it('keeps a pool to its slots and a DAG to maxActiveTasks', async () => {
    let concurrent = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const slow = async () => {
      peak = Math.max(peak, ++concurrent);
      await new Promise<void>((r) => release.push(r));
      concurrent--;
      return null;
    };
    const d = dag({ dagId: 'fan', maxActiveTasks: 3 });
    for (let i = 0; i < 6; i++) d.task(`t${i}`, slow);
    engine = await startEngine([d]);
    await engine.db.sql.query(`UPDATE pool SET slots = 10 WHERE pool = 'default_pool'`);
    const run = await engine.trigger('fan');
    expect(release).toHaveLength(3);
    while (release.length) {
      release.splice(0).forEach((r) => r());
      await engine.settle();
    }
    expect(peak).toBe(3);
    expect(await engine.runState(run)).toBe('success');

    await engine.db.sql.query(`UPDATE pool SET slots = 2 WHERE pool = 'default_pool'`);
    peak = 0;
    engine.clock.advance(1000);
    const run2 = await engine.trigger('fan');
    while (release.length) {
      release.splice(0).forEach((r) => r());
      await engine.settle();
    }
    expect(peak).toBe(2);
    expect(await engine.runState(run2)).toBe('success');
  });

  it('runs higher priority_weight tasks first when slots are scarce', async () => {
    const order: string[] = [];
    const d = dag({ dagId: 'prio', maxActiveTasks: 1 });
    d.task('low', { priorityWeight: 1 }, () => order.push('low'));
    d.task('high', { priorityWeight: 10 }, () => order.push('high'));
    engine = await startEngine([d]);
    await engine.trigger('prio');
    expect(order).toEqual(['high', 'low']);
  });

  it('does not start runs of a paused DAG until it is unpaused', async () => {
    const d = dag({ dagId: 'pausable' });
    d.task('t', () => 1);
    engine = await startEngine([d]);
    await setPaused(engine.db.sql, 'pausable', true);
    const run = await engine.trigger('pausable');
    expect(await engine.runState(run)).toBe('queued');
    await setPaused(engine.db.sql, 'pausable', false);
    engine.scheduler.wake();
    await engine.settle();
    expect(await engine.runState(run)).toBe('success');
  });

  it('validates conf against the DAG params and creates nothing when it does not match', async () => {
    const d = dag({ dagId: 'with_params', params: z.object({ deck_name: z.string().min(1), max_reasks: z.number().int().default(3) }) });
    d.task('t', (ctx) => ctx.params);
    engine = await startEngine([d]);
    await expect(engine.trigger('with_params', { max_reasks: 'x' })).rejects.toThrow(/conf\.deck_name: .*; conf\.max_reasks/);
    expect(await runsOf(engine, 'with_params')).toHaveLength(0);
    await expect(engine.trigger('missing')).rejects.toThrow("DAG 'missing' not found");
    const run = await engine.trigger('with_params', { deck_name: 'Amélie' });
    expect(await engine.runState(run)).toBe('success');
  });
});
