import { afterEach, describe, expect, it } from 'vitest';
import { chain, dag } from '../../lib/engine/dag-builder';
import { NonRetriableError } from '../../lib/engine/task-context';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

describe('scheduler: whole DAG runs on a real database', () => {
  it('runs a linear DAG in order and hands each task its upstream return value', async () => {
    const d = dag({ dagId: 'linear' });
    const seen: unknown[] = [];
    chain(
      d.task('extract', () => [1, 2, 3]),
      d.task('transform', (ctx) => (ctx.upstream.extract as number[]).map((x) => x * 10)),
      d.task('load', (ctx) => {
        seen.push(ctx.upstream.transform);
        return 'done';
      }),
    );
    engine = await startEngine([d]);
    const run = await engine.trigger('linear');
    expect(await engine.states(run)).toEqual({ extract: 'success', transform: 'success', load: 'success' });
    expect(await engine.runState(run)).toBe('success');
    expect(seen).toEqual([[10, 20, 30]]);
    const history = await engine.db.sql.query(`SELECT task_id FROM task_instance_history WHERE run_id = $1`, [run.runId]);
    expect(history).toHaveLength(3);
  });

  it('retries a failed task once after 5 minutes and asks for the onRetry callback', async () => {
    const d = dag({ dagId: 'flaky' });
    let calls = 0;
    d.task('fetch', () => {
      calls++;
      if (calls === 1) throw new Error('connection reset');
      return 'ok';
    }, { retries: 1, retryDelay: '5m', onRetry: () => {} });
    engine = await startEngine([d]);
    const run = await engine.trigger('flaky');
    expect(await engine.states(run)).toEqual({ fetch: 'up_for_retry' });
    const [ti] = await engine.db.sql.query<{ next_retry_at: Date; last_error: string }>(`SELECT next_retry_at, last_error FROM task_instance`);
    expect(ti!.next_retry_at.getTime() - engine.clock.now().getTime()).toBe(300_000);
    expect(ti!.last_error).toBe('Error: connection reset');
    expect(engine.executor.callbacks).toEqual([{ dagId: 'flaky', taskId: 'fetch', kind: 'onRetry' }]);

    await engine.advance(299_000);
    expect(await engine.states(run)).toEqual({ fetch: 'up_for_retry' });
    await engine.advance(1_000);
    expect(await engine.states(run)).toEqual({ fetch: 'success' });
    expect(await engine.runState(run)).toBe('success');
    const tries = await engine.db.sql.query<{ try_number: number; state: string }>(
      `SELECT try_number, state FROM task_instance_history ORDER BY try_number`,
    );
    expect(tries).toEqual([{ try_number: 1, state: 'up_for_retry' }, { try_number: 2, state: 'success' }]);
  });

  it('fails at once on NonRetriableError, marks downstream upstream_failed and calls the DAG onFailure', async () => {
    const d = dag({ dagId: 'fatal', onFailure: () => {} });
    d.task('validate', () => {
      throw new NonRetriableError('input is not a CSV file');
    }, { retries: 3 }).then(d.task('load', () => 1));
    engine = await startEngine([d]);
    const run = await engine.trigger('fatal');
    expect(await engine.states(run)).toEqual({ validate: 'failed', load: 'upstream_failed' });
    expect(await engine.runState(run)).toBe('failed');
    expect(engine.executor.callbacks).toContainEqual({ dagId: 'fatal', taskId: null, kind: 'onFailure' });
    const [r] = await engine.db.sql.query<{ failure_reason: string }>(`SELECT failure_reason FROM dag_run`);
    expect(r!.failure_reason).toContain('load');
  });

  it('maps a task over a list: one instance per item, and the downstream task gets every result', async () => {
    const d = dag({ dagId: 'mapped' });
    let reduced: unknown = null;
    const words = d.task('words', () => ['chat', 'chien', 'oiseau']);
    const card = d.task('card', (ctx) => `${String(ctx.item)}!`).expand({ over: words });
    card.then(d.task('deck', (ctx) => {
      reduced = ctx.upstream.card;
      return null;
    }));
    engine = await startEngine([d]);
    const run = await engine.trigger('mapped');
    expect(await engine.states(run)).toEqual({
      'card[0]': 'success', 'card[1]': 'success', 'card[2]': 'success', deck: 'success', words: 'success',
    });
    expect(reduced).toEqual(['chat!', 'chien!', 'oiseau!']);
  });

  it('skips a mapped task over an empty list and still succeeds', async () => {
    const d = dag({ dagId: 'empty_map' });
    const words = d.task('words', () => []);
    d.task('card', () => 1).expand({ over: words });
    engine = await startEngine([d]);
    const run = await engine.trigger('empty_map');
    expect(await engine.states(run)).toEqual({ card: 'skipped', words: 'success' });
    expect(await engine.runState(run)).toBe('success');
  });

  it('follows only the branch chosen, and a none_failed_min_one_success join still runs', async () => {
    const d = dag({ dagId: 'branchy' });
    const pick = d.branch('pick', () => 'left');
    const join = d.task('join', () => 1, { triggerRule: 'none_failed_min_one_success' });
    pick.then([d.task('left', () => 1), d.task('right', () => 1)]).forEach((t) => t.then(join));
    engine = await startEngine([d]);
    const run = await engine.trigger('branchy');
    expect(await engine.states(run)).toEqual({ join: 'success', left: 'success', pick: 'success', right: 'skipped' });
  });

  it('skips everything downstream of a short-circuit that returns false', async () => {
    const d = dag({ dagId: 'gate' });
    chain(d.shortCircuit('has_new_data', () => false), d.task('train', () => 1), d.task('report', () => 1));
    engine = await startEngine([d]);
    const run = await engine.trigger('gate');
    expect(await engine.states(run)).toEqual({ has_new_data: 'success', report: 'skipped', train: 'skipped' });
    expect(await engine.runState(run)).toBe('success');
  });

  it('runs an all_done cleanup after a failure; the run follows its leaves, as in Airflow', async () => {
    const d = dag({ dagId: 'cleanup' });
    const work = d.task('work', () => {
      throw new NonRetriableError('boom');
    });
    work.then(d.task('cleanup', () => 'cleaned', { triggerRule: 'all_done' }));
    engine = await startEngine([d]);
    const run = await engine.trigger('cleanup');
    expect(await engine.states(run)).toEqual({ cleanup: 'success', work: 'failed' });
    expect(await engine.runState(run)).toBe('success');
  });
});
