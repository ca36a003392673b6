import { afterEach, describe, expect, it } from 'vitest';
import { chain, dag, NonRetriableError } from 'flashflow';
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
    const extract = d.task('extract', () => [1, 2, 3]);
    const transform = d.task('transform', { inputs: { extract } }, (ctx) => ctx.inputs.extract.map((x) => x * 10));
    d.task('load', { inputs: { transform } }, (ctx) => {
      seen.push(ctx.inputs.transform);
      return 'done';
    });
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
    d.task('fetch', { retries: 1, retryDelay: '5m', onRetry: () => {} }, () => {
      calls++;
      if (calls === 1) throw new Error('connection reset');
      return 'ok';
    });
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
    d.task('validate', { retries: 3 }, () => {
      throw new NonRetriableError('input is not a CSV file');
    }).then(d.task('load', () => 1));
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
    const card = d.task('card', { expand: words }, (ctx) => `${ctx.item}!`);
    d.task('deck', { inputs: { card } }, (ctx) => {
      reduced = ctx.inputs.card;
      return null;
    });
    engine = await startEngine([d]);
    const run = await engine.trigger('mapped');
    expect(await engine.states(run)).toEqual({
      'card[0]': 'success', 'card[1]': 'success', 'card[2]': 'success', deck: 'success', words: 'success',
    });
    expect(reduced).toEqual(['chat!', 'chien!', 'oiseau!']);
  });

  it('skips a mapped task over an empty list and still succeeds', async () => {
    const d = dag({ dagId: 'empty_map' });
    const words = d.task('words', (): string[] => []);
    d.task('card', { expand: words }, () => 1);
    engine = await startEngine([d]);
    const run = await engine.trigger('empty_map');
    expect(await engine.states(run)).toEqual({ card: 'skipped', words: 'success' });
    expect(await engine.runState(run)).toBe('success');
  });

  it('follows only the branch chosen, and a none_failed_min_one_success join still runs', async () => {
    const d = dag({ dagId: 'branchy' });
    const pick = d.branch('pick', () => 'left');
    const join = d.task('join', { triggerRule: 'none_failed_min_one_success' }, () => 1);
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
    work.then(d.task('cleanup', { triggerRule: 'all_done' }, () => 'cleaned'));
    engine = await startEngine([d]);
    const run = await engine.trigger('cleanup');
    expect(await engine.states(run)).toEqual({ cleanup: 'success', work: 'failed' });
    expect(await engine.runState(run)).toBe('success');
  });
});

describe('clearing and marking task instances', () => {
  it('clears one failed mapped instance so only that item runs again, with its retries restored', async () => {
    const { clearTaskInstances } = await import('../../lib/store/task-actions');
    const d = dag({ dagId: 'words' });
    let failChien = true;
    const src = d.task('src', () => ['chat', 'chien']);
    d.task('card', { expand: src }, (ctx) => {
      if (ctx.item === 'chien' && failChien) throw new NonRetriableError('model kept answering too long');
      return ctx.item;
    });
    engine = await startEngine([d]);
    const run = await engine.trigger('words');
    expect(await engine.states(run)).toEqual({ 'card[0]': 'success', 'card[1]': 'failed', src: 'success' });
    expect(await engine.runState(run)).toBe('failed');
    failChien = false;
    const changed = await clearTaskInstances(engine.db.sql, { dagId: 'words', runId: run.runId, taskIds: ['card'], mapIndexes: [1] }, engine.clock.now());
    expect(changed.map((c) => `${c.task_id}[${c.map_index}]`)).toEqual(['card[1]']);
    engine.scheduler.wake();
    await engine.settle();
    expect(await engine.states(run)).toEqual({ 'card[0]': 'success', 'card[1]': 'success', src: 'success' });
    expect(await engine.runState(run)).toBe('success');
    const tries = await engine.db.sql.query<{ try_number: number }>(`SELECT try_number FROM task_instance WHERE task_id = 'card' AND map_index = 1`);
    expect(tries[0]!.try_number).toBe(2);
  });

  it('marks a failed task success by hand; the run is planned again and its downstream runs', async () => {
    const { markTaskInstances } = await import('../../lib/store/task-actions');
    const d = dag({ dagId: 'manual_fix' });
    d.task('flaky', () => {
      throw new NonRetriableError('external API down');
    }).then(d.task('after', { triggerRule: 'all_done' }, () => 1));
    engine = await startEngine([d]);
    const run = await engine.trigger('manual_fix');
    expect(await engine.states(run)).toEqual({ after: 'success', flaky: 'failed' });
    await markTaskInstances(engine.db.sql, { dagId: 'manual_fix', runId: run.runId, taskIds: ['flaky'] }, 'success', engine.clock.now());
    engine.scheduler.wake();
    await engine.settle();
    expect(await engine.states(run)).toEqual({ after: 'success', flaky: 'success' });
    expect(await engine.runState(run)).toBe('success');
    await expect(markTaskInstances(engine.db.sql, { dagId: 'manual_fix', runId: run.runId, taskIds: ['nope'] }, 'failed', engine.clock.now()))
      .rejects.toThrow("DAG 'manual_fix' has no task 'nope'");
  });
});

describe('zombies', () => {
  it('fails a running try whose heartbeat stopped and that no executor owns, then retries it', async () => {
    const d = dag({ dagId: 'zombie' });
    d.task('t', { retries: 1, retryDelay: 0 }, (ctx) => `try ${ctx.tryNumber}`);
    engine = await startEngine([d]);
    const { setPaused } = await import('../../lib/store/dag-admin');
    await setPaused(engine.db.sql, 'zombie', true);
    const run = await engine.trigger('zombie');
    // As if another worker had taken try 1 and then vanished: running, heartbeat ten minutes old.
    await engine.db.sql.query(
      `UPDATE task_instance SET state = 'running', try_number = 1, heartbeat_at = $1, start_date = $1`,
      [new Date(engine.clock.now().getTime() - 10 * 60_000)],
    );
    await engine.db.sql.query(`UPDATE dag_run SET state = 'running'`);
    await setPaused(engine.db.sql, 'zombie', false);
    await engine.advance(1000);
    await engine.advance(1000);
    expect(await engine.states(run)).toEqual({ t: 'success' });
    const history = await engine.db.sql.query<{ try_number: number; state: string; error: string }>(
      `SELECT try_number, state, error FROM task_instance_history ORDER BY id`);
    expect(history.map((h) => [h.try_number, h.state])).toEqual([[1, 'up_for_retry'], [2, 'success']]);
    expect(history[0]!.error).toContain('WorkerLostError');
  });
});
