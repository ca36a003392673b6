// Authoring API v2 end to end on the scheduler: results passed through `inputs`, failRunOnFailure, a branch that
// returns a ref, and declared `output` schemas checked when a task returns its result and when another receives it.
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { dag, NonRetriableError, z } from 'flashflow';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const lastError = async (e: Engine, taskId: string) => {
  const [ti] = await e.db.sql.query<{ last_error: string | null; try_number: number }>(
    `SELECT last_error, try_number FROM task_instance WHERE task_id = $1`, [taskId]);
  return ti!;
};

describe('inputs: results passed by ref', () => {
  it('hands a linear chain its inputs typed and in order', async () => {
    const d = dag({ dagId: 'typed_linear' });
    const order: string[] = [];
    const seen: unknown[] = [];
    const extract = d.task('extract', () => {
      order.push('extract');
      return [1, 2, 3];
    });
    const transform = d.task('transform', { inputs: { rows: extract } }, (ctx) => {
      expectTypeOf(ctx.inputs.rows).toEqualTypeOf<number[]>();
      order.push('transform');
      return { total: ctx.inputs.rows.reduce((a, b) => a + b, 0), rows: ctx.inputs.rows.length };
    });
    d.task('load', { inputs: { summary: transform } }, (ctx) => {
      expectTypeOf(ctx.inputs.summary).toEqualTypeOf<{ total: number; rows: number }>();
      order.push('load');
      seen.push(ctx.inputs.summary);
      return `${ctx.inputs.summary.rows} rows, total ${ctx.inputs.summary.total}`;
    });
    engine = await startEngine([d]);
    const run = await engine.trigger('typed_linear');
    expect(await engine.states(run)).toEqual({ extract: 'success', load: 'success', transform: 'success' });
    expect(await engine.runState(run)).toBe('success');
    expect(order).toEqual(['extract', 'transform', 'load']);
    expect(seen).toEqual([{ total: 6, rows: 3 }]);
  });

  it('fans in two inputs of different types, each under its own name, after both have run', async () => {
    const d = dag({ dagId: 'typed_fan_in' });
    const order: string[] = [];
    let joined: unknown = null;
    const count = d.task('count', () => {
      order.push('count');
      return 3;
    });
    const word = d.task('word', () => {
      order.push('word');
      return 'chat';
    });
    d.task('join', { inputs: { n: count, w: word } }, (ctx) => {
      expectTypeOf(ctx.inputs).toEqualTypeOf<{ n: number; w: string }>();
      order.push('join');
      joined = ctx.inputs;
      return ctx.inputs.w.repeat(ctx.inputs.n);
    });
    engine = await startEngine([d]);
    const run = await engine.trigger('typed_fan_in');
    expect(await engine.states(run)).toEqual({ count: 'success', join: 'success', word: 'success' });
    expect(order.slice(0, 2).sort()).toEqual(['count', 'word']);
    expect(order[2]).toBe('join');
    expect(joined).toEqual({ n: 3, w: 'chat' });
    const [x] = await engine.db.sql.query<{ value: unknown }>(`SELECT value FROM xcom WHERE task_id = 'join'`);
    expect(x!.value).toBe('chatchatchat');
  });
});

describe('failRunOnFailure', () => {
  /** One mapped instance (the middle one) fails for good; an all_done report still runs over every result. */
  function wordsDag(dagId: string, failRunOnFailure: boolean) {
    const d = dag({ dagId });
    const reports: unknown[] = [];
    const words = d.task('words', () => ['chat', 'chien', 'oiseau']);
    const card = d.task('card', { expand: words, failRunOnFailure }, (ctx) => {
      expectTypeOf(ctx.item).toEqualTypeOf<string>();
      if (ctx.item === 'chien') throw new NonRetriableError('example too long');
      return `${ctx.item}!`;
    });
    d.task('report', { inputs: { cards: card }, triggerRule: 'all_done' }, (ctx) => {
      // Under all_done the input may be missing altogether; a mapped input has null where an instance left none.
      expectTypeOf(ctx.inputs.cards).toEqualTypeOf<Array<string | null> | null>();
      reports.push(ctx.inputs.cards);
      return `${(ctx.inputs.cards ?? []).filter((c) => c !== null).length} cards`;
    });
    return { d, reports };
  }
  const states = { 'card[0]': 'success', 'card[1]': 'failed', 'card[2]': 'success', report: 'success', words: 'success' };

  it('fails the run when a marked mapped task fails, though the all_done report after it runs and succeeds', async () => {
    const { d, reports } = wordsDag('fail_run', true);
    engine = await startEngine([d]);
    const run = await engine.trigger('fail_run');
    expect(await engine.states(run)).toEqual(states);
    expect(reports).toEqual([['chat!', null, 'oiseau!']]);
    expect(await engine.runState(run)).toBe('failed');
  });

  it('without the option the same run succeeds: its state follows the leaves', async () => {
    const { d, reports } = wordsDag('follow_leaves', false);
    engine = await startEngine([d]);
    const run = await engine.trigger('follow_leaves');
    expect(await engine.states(run)).toEqual(states);
    expect(reports).toEqual([['chat!', null, 'oiseau!']]);
    expect(await engine.runState(run)).toBe('success');
  });

  it('hands a mapped input one entry per instance, null for a last instance that failed', async () => {
    const d = dag({ dagId: 'last_fails' });
    const reports: unknown[] = [];
    const words = d.task('words', () => ['chat', 'chien']);
    const card = d.task('card', { expand: words }, (ctx) => {
      if (ctx.item === 'chien') throw new NonRetriableError('example too long');
      return `${ctx.item}!`;
    });
    d.task('report', { inputs: { cards: card }, triggerRule: 'all_done' }, (ctx) => reports.push(ctx.inputs.cards));
    engine = await startEngine([d]);
    const run = await engine.trigger('last_fails');
    expect(await engine.states(run)).toEqual({ 'card[0]': 'success', 'card[1]': 'failed', report: 'success', words: 'success' });
    expect(reports).toEqual([['chat!', null]]);
  });
});

describe('branching on a ref', () => {
  it('follows the task whose ref the branch returns and skips the other', async () => {
    const d = dag({ dagId: 'branch_ref' });
    const ran: string[] = [];
    const small = d.task('small', () => ran.push('small'));
    const large = d.task('large', () => ran.push('large'));
    const size = d.task('size', () => 12);
    const pick = d.branch('pick', { inputs: { n: size } }, (ctx) => (ctx.inputs.n > 10 ? large : small));
    pick.then([small, large]);
    engine = await startEngine([d]);
    const run = await engine.trigger('branch_ref');
    expect(await engine.states(run)).toEqual({ large: 'success', pick: 'success', size: 'success', small: 'skipped' });
    expect(ran).toEqual(['large']);
    expect(await engine.runState(run)).toBe('success');
    // The ref is stored as the id of the task it names.
    const [x] = await engine.db.sql.query<{ value: unknown }>(`SELECT value FROM xcom WHERE task_id = 'pick'`);
    expect(x!.value).toBe('large');
  });
});

describe('declared output', () => {
  it('fails a task whose result breaks its output schema at once, without retrying, naming the task', async () => {
    const d = dag({ dagId: 'bad_output' });
    let calls = 0;
    let received = false;
    const stats = d.task('stats', { retries: 3, output: z.object({ count: z.number() }) }, () => {
      calls++;
      // As if an API answered another shape than the one the task declares.
      return JSON.parse('{"count":"three"}');
    });
    d.task('use', { inputs: { stats } }, (ctx) => {
      expectTypeOf(ctx.inputs.stats).toEqualTypeOf<{ count: number }>();
      received = true;
      return ctx.inputs.stats.count;
    });
    engine = await startEngine([d]);
    const run = await engine.trigger('bad_output');
    expect(await engine.states(run)).toEqual({ stats: 'failed', use: 'upstream_failed' });
    expect(await engine.runState(run)).toBe('failed');
    expect(calls).toBe(1);
    expect(received).toBe(false);
    const ti = await lastError(engine, 'stats');
    expect(ti.try_number).toBe(1);
    expect(ti.last_error).toContain("task 'stats' returned a value that does not match its declared output");
    expect(ti.last_error).toContain('count');
    const xcoms = await engine.db.sql.query(`SELECT task_id FROM xcom WHERE task_id = 'stats'`);
    expect(xcoms).toEqual([]);
  });

  it('fails a task handed a stored result that does not match the output its producer declares, naming the producer', async () => {
    const { clearTaskInstances } = await import('../../lib/store/task-actions');
    const d = dag({ dagId: 'old_xcom' });
    const received: unknown[] = [];
    const words = d.task('words', { output: z.object({ words: z.array(z.string()) }) }, () => ({ words: ['chat', 'chien'] }));
    d.task('count', { inputs: { list: words }, retries: 2 }, (ctx) => {
      received.push(ctx.inputs.list);
      return ctx.inputs.list.words.length;
    });
    engine = await startEngine([d]);
    const run = await engine.trigger('old_xcom');
    expect(await engine.states(run)).toEqual({ count: 'success', words: 'success' });
    expect(received).toEqual([{ words: ['chat', 'chien'] }]);

    // What an older version of `words` stored: the bare list. Then `count` runs again against it.
    await engine.db.sql.query(`UPDATE xcom SET value = '["chat","chien"]'::jsonb WHERE run_id = $1 AND task_id = 'words'`, [run.runId]);
    const changed = await clearTaskInstances(engine.db.sql, { dagId: 'old_xcom', runId: run.runId, taskIds: ['count'] }, engine.clock.now());
    expect(changed.map((c) => c.task_id)).toEqual(['count']);
    engine.scheduler.wake();
    await engine.settle();

    expect(await engine.states(run)).toEqual({ count: 'failed', words: 'success' });
    expect(await engine.runState(run)).toBe('failed');
    expect(received).toHaveLength(1);
    const ti = await lastError(engine, 'count');
    // Failed for good on its first try after the clear (try 2), although retries remain.
    expect(ti.try_number).toBe(2);
    expect(ti.last_error).toContain("input 'list' of task 'count'");
    expect(ti.last_error).toContain("the result of task 'words' does not match the output that task declares");
    expect(ti.last_error).toContain("clear 'words'");
  });
});
