import { afterEach, describe, expect, it } from 'vitest';
import { chain, dag, z } from 'flashflow';
import { loadDagListExtras } from '../../lib/store/ui-dag-list';
import { loadGrid, summaryState } from '../../lib/store/ui-grid';
import { listRunTries } from '../../lib/store/ui-task-tries';
import { startEngine, type Engine } from '../support/engine-harness';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

function wordsDag() {
  const d = dag({
    dagId: 'grid_words',
    params: z.object({ words: z.array(z.string()).default(['a', 'b', 'c']), fail: z.string().default('') }),
  });
  const words = d.task('words', (ctx) => ctx.params.words);
  const card = d.task('card', { expand: words, retries: 1, retryDelay: '5m' }, (ctx) => {
    if (ctx.item === ctx.params.fail) throw new Error(`no card for ${ctx.item}`);
    return ctx.item;
  });
  chain(card, d.task('deck', () => 'saved'));
  return d;
}

/** The harness hands tasks the conf as it is (no defaults applied), so every run names both params. */
function conf(fail = '', words = ['a', 'b', 'c']) {
  return { words, fail };
}

describe('UI queries on a real database', () => {
  it('reads the grid of 3 runs × a mapped task as one cell per task with counts per state', async () => {
    engine = await startEngine([wordsDag()]);
    const ok = await engine.trigger('grid_words', conf());
    await engine.advance(60_000);
    const retrying = await engine.trigger('grid_words', conf('b'));
    await engine.advance(60_000);
    const empty = await engine.trigger('grid_words', conf('', []));

    const grid = await loadGrid(engine.db.sql, 'grid_words');
    expect(grid.runs.map((r) => r.run_id)).toEqual([ok.runId, retrying.runId, empty.runId]);
    expect(grid.runs.map((r) => r.state)).toEqual(['success', 'running', 'success']);

    const first = grid.cells.get(ok.runId)!;
    expect(first.get('words')).toMatchObject({ mapped: false, state: 'success', total: 1 });
    expect(first.get('card')).toEqual({
      task_id: 'card', mapped: true, state: 'success', total: 3,
      counts: [{ state: 'success', n: 3, map_indexes: [0, 1, 2] }],
    });

    const second = grid.cells.get(retrying.runId)!;
    expect(second.get('card')).toMatchObject({
      mapped: true, state: 'up_for_retry', total: 3,
      counts: [{ state: 'up_for_retry', n: 1, map_indexes: [1] }, { state: 'success', n: 2, map_indexes: [0, 2] }],
    });
    expect(second.get('deck')!.state).toBe('none');

    // An empty list skips the mapped task without expanding it: one unmapped placeholder.
    expect(grid.cells.get(empty.runId)!.get('card')).toMatchObject({ mapped: false, state: 'skipped', total: 1 });

    const latestTwo = await loadGrid(engine.db.sql, 'grid_words', 2);
    expect(latestTwo.runs.map((r) => r.run_id)).toEqual([retrying.runId, empty.runId]);
  });

  it('lists every try of a run from the history plus the try in progress', async () => {
    engine = await startEngine([wordsDag()]);
    const run = await engine.trigger('grid_words', conf('b'));
    const before = await listRunTries(engine.db.sql, 'grid_words', run.runId, { taskId: 'card', mapIndex: 1 });
    expect(before.map((t) => [t.try_number, t.state, t.finished])).toEqual([[1, 'up_for_retry', true]]);
    expect(before[0]!.error).toContain('no card for b');

    await engine.advance(300_000);
    const tries = await listRunTries(engine.db.sql, 'grid_words', run.runId);
    expect(tries.map((t) => `${t.task_id}[${t.map_index}]#${t.try_number}:${t.state}`)).toEqual([
      'card[0]#1:success', 'card[1]#1:up_for_retry', 'card[1]#2:failed', 'card[2]#1:success', 'words[-1]#1:success',
    ]);
    for (const t of tries) expect(t.start_date).toBeInstanceOf(Date);
  });

  it('gives the DAG list the latest run states, newest first, and the params schema', async () => {
    engine = await startEngine([wordsDag()]);
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await engine.trigger('grid_words', conf(i === 1 ? 'a' : '')));
      await engine.advance(600_000);
    }
    const extras = await loadDagListExtras(engine.db.sql, ['grid_words', 'missing'], 2);
    expect([...extras.keys()]).toEqual(['grid_words']);
    const e = extras.get('grid_words')!;
    expect(e.recentRuns.map((r) => [r.run_id, r.state])).toEqual([[runs[2]!.runId, 'success'], [runs[1]!.runId, 'failed']]);
    // jsonb keeps keys in its own order, not the author's.
    expect(Object.keys((e.paramsSchema as { properties: object }).properties).sort()).toEqual(['fail', 'words']);
    expect(await loadDagListExtras(engine.db.sql, [])).toEqual(new Map());
  });

  it('colours a group of instances by its most urgent state', () => {
    expect(summaryState(['success', 'failed', 'running'])).toBe('failed');
    expect(summaryState(['success', 'running'])).toBe('running');
    expect(summaryState(['success', 'skipped'])).toBe('skipped');
    expect(summaryState([])).toBe('none');
  });
});
