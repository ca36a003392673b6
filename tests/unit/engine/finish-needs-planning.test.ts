import { describe, expect, it } from 'vitest';
import { compileDag } from '../../../lib/engine/compile-dag';
import { dag } from 'flashflow';
import { TRIGGER_RULES, type SerializedDag, type TriggerRule } from '../../../lib/engine/dag-model';
import { finishNeedsPlanning } from '../../../lib/engine/finish-needs-planning';
import { planRun, type RunPlan, type TiView } from '../../../lib/engine/plan-run';
import type { TaskState } from '../../../lib/engine/task-states';

const noop = () => null;

/** src → mapped (3 instances) → after(rule) ← other */
function graph(rule: TriggerRule): SerializedDag {
  const d = dag({ dagId: 'd' });
  const src = d.task('src', () => [1, 2, 3]);
  const mapped = d.task('mapped', { expand: src }, noop);
  const after = d.task('after', { triggerRule: rule }, noop);
  mapped.then(after);
  d.task('other', noop).then(after);
  const r = compileDag(d, '/d.ts');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.dag;
}

const STATES: TaskState[] = ['success', 'failed', 'skipped', 'upstream_failed', 'running', 'scheduled', 'up_for_retry', 'up_for_reschedule'];
const IN_FLIGHT: TaskState[] = ['running', 'scheduled', 'up_for_retry', 'up_for_reschedule'];
const ENDS = ['success', 'up_for_retry', 'up_for_reschedule'] as const;

function view(m0: TaskState, m1: TaskState, m2: TaskState, other: TaskState, after: TaskState): TiView[] {
  return [
    { id: 'src', taskId: 'src', mapIndex: -1, state: 'success' },
    { id: 'm0', taskId: 'mapped', mapIndex: 0, state: m0 },
    { id: 'm1', taskId: 'mapped', mapIndex: 1, state: m1 },
    { id: 'm2', taskId: 'mapped', mapIndex: 2, state: m2 },
    { id: 'other', taskId: 'other', mapIndex: -1, state: other },
    { id: 'after', taskId: 'after', mapIndex: -1, state: after },
  ];
}

/** The run as its last planning left it: `after` settled if its rule could settle it. */
function settled(d: SerializedDag, m1: TaskState, m2: TaskState, other: TaskState): TaskState {
  const decision = planRun(d, view('running', m1, m2, other, 'none')).decisions.find((x) => x.id === 'after');
  return decision?.to ?? 'none';
}

/** Every case where the scheduler would not plan after m0 ends, with the plans it skips. */
function skippedPlans(rule: TriggerRule, end: (typeof ENDS)[number]): Array<{ before: RunPlan; after: RunPlan; name: string }> {
  const d = graph(rule);
  const out: Array<{ before: RunPlan; after: RunPlan; name: string }> = [];
  for (const m1 of STATES) for (const m2 of STATES) for (const other of STATES) {
    const afterState = settled(d, m1, m2, other);
    const siblingInFlight = IN_FLIGHT.includes(m1) || IN_FLIGHT.includes(m2);
    if (finishNeedsPlanning(d, { taskId: 'mapped', state: end, siblingInFlight }, false)) continue;
    out.push({
      name: `${rule}: m0 running→${end}, m1 ${m1}, m2 ${m2}, other ${other}, after ${afterState}`,
      before: planRun(d, view('running', m1, m2, other, afterState)),
      after: planRun(d, view(end, m1, m2, other, afterState)),
    });
  }
  return out;
}

describe('skipping the plan after a try ends', () => {
  it.each(TRIGGER_RULES)('decides nothing a plan would have decided (%s downstream)', (rule) => {
    for (const end of ENDS) {
      for (const c of skippedPlans(rule, end)) {
        expect(c.after.decisions, c.name).toEqual([]);
        expect(c.after.verdict, c.name).toEqual(c.before.verdict);
      }
    }
  });

  it('plans after a success whose downstream rule can fire on one success', () => {
    for (const rule of ['all_failed', 'all_skipped', 'one_success', 'one_done'] as const) {
      expect(finishNeedsPlanning(graph(rule), { taskId: 'mapped', state: 'success', siblingInFlight: true }, false)).toBe(true);
    }
  });

  it('plans after the last mapped instance, a failure, a skip, or a followed branch', () => {
    const d = graph('all_success');
    expect(finishNeedsPlanning(d, { taskId: 'mapped', state: 'success', siblingInFlight: false }, false)).toBe(true);
    expect(finishNeedsPlanning(d, { taskId: 'mapped', state: 'failed', siblingInFlight: true }, false)).toBe(true);
    expect(finishNeedsPlanning(d, { taskId: 'mapped', state: 'skipped', siblingInFlight: true }, false)).toBe(true);
    expect(finishNeedsPlanning(d, { taskId: 'mapped', state: 'success', siblingInFlight: true }, true)).toBe(true);
    expect(finishNeedsPlanning(d, { taskId: 'src', state: 'success' }, false)).toBe(true);
  });
});
