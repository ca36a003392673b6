import { describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { compileDag } from '../../../lib/engine/compile-dag';
import type { SerializedDag } from '../../../lib/engine/dag-model';
import { planRun, type TiView } from '../../../lib/engine/plan-run';
import { planSteering } from '../../../lib/engine/plan-steering';
import type { TaskState } from '../../../lib/engine/task-states';

const noop = () => null;

function compiled(build: (d: ReturnType<typeof dag>) => void): SerializedDag {
  const d = dag({ dagId: 'd' });
  build(d);
  const r = compileDag(d, '/d.ts');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.dag;
}

const tis = (states: Record<string, TaskState>): TiView[] =>
  Object.entries(states).map(([taskId, state]) => ({ id: taskId, taskId, mapIndex: -1, state }));

describe('planning a run', () => {
  const linear = compiled((d) => { d.task('a', noop).then(d.task('b', noop)).then(d.task('c', noop)); });

  it('schedules the roots of a new run and nothing else', () => {
    const plan = planRun(linear, tis({ a: 'none', b: 'none', c: 'none' }));
    expect(plan.decisions).toEqual([{ id: 'a', from: 'none', to: 'scheduled' }]);
    expect(plan.verdict).toEqual({ state: 'running' });
  });

  it('cascades upstream_failed down the chain in one plan and fails the run', () => {
    const plan = planRun(linear, tis({ a: 'failed', b: 'none', c: 'none' }));
    expect(plan.decisions.map((d) => [d.id, d.to])).toEqual([['b', 'upstream_failed'], ['c', 'upstream_failed']]);
    expect(plan.verdict).toMatchObject({ state: 'failed' });
  });

  it('succeeds when every leaf succeeded or was skipped', () => {
    expect(planRun(linear, tis({ a: 'success', b: 'success', c: 'skipped' })).verdict).toEqual({ state: 'success' });
  });

  it('lets an all_done cleanup task run after a failure, and the run still fails on the failed leaf', () => {
    const g = compiled((d) => {
      const work = d.task('work', noop);
      work.then(d.task('report', noop));
      work.then(d.task('cleanup', { triggerRule: 'all_done' }, noop));
    });
    const plan = planRun(g, tis({ work: 'failed', report: 'none', cleanup: 'none' }));
    expect(plan.decisions.map((d) => [d.id, d.to]).sort()).toEqual([['cleanup', 'scheduled'], ['report', 'upstream_failed']]);
    expect(planRun(g, tis({ work: 'failed', report: 'upstream_failed', cleanup: 'success' })).verdict.state).toBe('failed');
  });

  it('reports a deadlock when waiting tasks can never run', () => {
    const g = compiled((d) => { const src = d.task('src', (): string[] => []); d.task('mapped', { expand: src }, noop); });
    const plan = planRun(g, tis({ src: 'success', mapped: 'none' }));
    expect(plan.verdict).toMatchObject({ state: 'failed' });
    expect((plan.verdict as { reason: string }).reason).toContain("deadlock: tasks 'mapped'");
  });

  it('marks tasks whose definition disappeared as removed', () => {
    const plan = planRun(linear, [...tis({ a: 'success', b: 'none', c: 'none' }), { id: 'x', taskId: 'gone', mapIndex: -1, state: 'none' }]);
    expect(plan.decisions).toContainEqual({ id: 'x', from: 'none', to: 'removed' });
  });
});

describe('steering by return values', () => {
  it('skips the branches a branch task did not choose', () => {
    const g = compiled((d) => { const b = d.branch('pick', noop); b.then([d.task('left', noop), d.task('right', noop)]); });
    expect(planSteering(g, 'pick', 'left').skipTaskIds).toEqual(['right']);
  });

  it('skips everything downstream when a short-circuit returns false', () => {
    const g = compiled((d) => { d.shortCircuit('check', noop).then(d.task('a', noop)).then(d.task('b', noop)); });
    expect(planSteering(g, 'check', false).skipTaskIds.sort()).toEqual(['a', 'b']);
    expect(planSteering(g, 'check', true).skipTaskIds).toEqual([]);
  });

  it('expands a mapped task to one instance per item', () => {
    const g = compiled((d) => { const src = d.task('words', (): string[] => []); d.task('card', { expand: src }, noop); });
    expect(planSteering(g, 'words', ['a', 'b', 'c']).expansions).toEqual([{ taskId: 'card', count: 3 }]);
  });
});
