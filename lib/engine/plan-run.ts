// The pure heart of scheduling one DAG run: which waiting tasks may run, which are settled without
// running (skipped / upstream_failed), and whether the run is over. No I/O; the scheduler applies it.
import type { SerializedDag, SerializedTask } from './dag-model';
import { IN_FLIGHT_STATES, isFinished, type TaskState } from './task-states';
import { countUpstream, evaluateTriggerRule } from './trigger-rules';

export interface TiView {
  id: string;
  taskId: string;
  mapIndex: number;
  state: TaskState;
}

export interface TiDecision {
  id: string;
  from: TaskState;
  to: 'scheduled' | 'skipped' | 'upstream_failed' | 'removed';
}

export type RunVerdict =
  | { state: 'running' }
  | { state: 'success' }
  | { state: 'failed'; reason: string };

export interface RunPlan {
  decisions: TiDecision[];
  verdict: RunVerdict;
}

export function planRun(dag: SerializedDag, tis: readonly TiView[]): RunPlan {
  const tasks = new Map(dag.tasks.map((t) => [t.task_id, t]));
  const current = new Map(tis.map((ti) => [ti.id, ti.state]));
  const byTask = new Map<string, TiView[]>();
  for (const ti of tis) {
    const list = byTask.get(ti.taskId);
    if (list) list.push(ti);
    else byTask.set(ti.taskId, [ti]);
  }
  const decisions = new Map<string, TiDecision>();
  const decide = (ti: TiView, to: TiDecision['to']) => {
    decisions.set(ti.id, { id: ti.id, from: ti.state, to });
    current.set(ti.id, to);
  };

  // Skips and upstream failures cascade down the graph, so settle until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const ti of tis) {
      if (current.get(ti.id) !== 'none') continue;
      const task = tasks.get(ti.taskId);
      if (!task) {
        decide(ti, 'removed');
        changed = true;
        continue;
      }
      const readiness = evaluateTriggerRule(task.trigger_rule, countUpstream(upstreamStates(task, byTask, current)));
      if (readiness === 'wait') continue;
      // A mapped task's placeholder runs only once expanded, which happens when its source succeeds.
      if (readiness === 'run' && task.map_over !== null && ti.mapIndex === -1) continue;
      decide(ti, readiness === 'run' ? 'scheduled' : readiness === 'skip' ? 'skipped' : 'upstream_failed');
      if (readiness !== 'run') changed = true;
    }
  }
  return { decisions: [...decisions.values()], verdict: verdictFor(tasks, tis, current) };
}

function upstreamStates(
  task: SerializedTask,
  byTask: Map<string, TiView[]>,
  current: Map<string, TaskState>,
): TaskState[] {
  const states: TaskState[] = [];
  for (const up of task.upstream) {
    for (const ti of byTask.get(up) ?? []) states.push(current.get(ti.id)!);
  }
  return states;
}

function verdictFor(
  tasks: Map<string, SerializedTask>,
  tis: readonly TiView[],
  current: Map<string, TaskState>,
): RunVerdict {
  const unfinished = tis.filter((ti) => !isFinished(current.get(ti.id)!));
  if (unfinished.length > 0) {
    if (unfinished.some((ti) => (IN_FLIGHT_STATES as readonly TaskState[]).includes(current.get(ti.id)!))) return { state: 'running' };
    const stuck = [...new Set(unfinished.map((ti) => ti.taskId))].sort();
    return {
      state: 'failed',
      reason: `deadlock: tasks ${stuck.map((s) => `'${s}'`).join(', ')} can never run (their upstream tasks ended in states their trigger rules do not accept)`,
    };
  }
  // Leaves decide (ADR 0006), and so do tasks marked failRunOnFailure (whose downstream runs on regardless).
  const failedLeaves = tis.filter((ti) => {
    const task = tasks.get(ti.taskId);
    const state = current.get(ti.id);
    return task && decidesRunState(task) && (state === 'failed' || state === 'upstream_failed');
  });
  if (failedLeaves.length === 0) return { state: 'success' };
  const names = [...new Set(failedLeaves.map((ti) => ti.taskId))].sort();
  return { state: 'failed', reason: `tasks ended failed or upstream_failed: ${names.join(', ')}` };
}

/** Whether a task's failure fails its run: a leaf's does, and that of a task marked failRunOnFailure. */
export function decidesRunState(task: Pick<SerializedTask, 'downstream' | 'fail_run_on_failure'>): boolean {
  // `?? false`: DAGs serialized before the option existed have no such field until they are parsed again.
  return task.downstream.length === 0 || (task.fail_run_on_failure ?? false);
}
