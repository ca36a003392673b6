// Whether an ended try can change what planning decides for its run. Planning a run reads and weighs every
// task instance of it, so a mapped run of hundreds would otherwise be re-planned after each word for nothing.
import type { SerializedDag, TriggerRule } from './dag-model';
import type { TaskState } from './task-states';

/**
 * Rules whose answer cannot move when one more upstream instance succeeds while another one is still in
 * flight: they wait for all upstream instances, or react only to failures and skips. The others (all_failed,
 * all_skipped, one_success, one_done) can skip or run on a single success.
 */
const UNMOVED_BY_EARLY_SUCCESS: ReadonlySet<TriggerRule> = new Set<TriggerRule>([
  'all_success',
  'all_done',
  'one_failed',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
]);

export interface EndedTry {
  taskId: string;
  state: TaskState;
  /** Another instance of the same mapped task is still scheduled, queued, running or waiting to retry. */
  siblingInFlight?: boolean;
}

/**
 * False only when planning after this try would decide nothing new, given the run was planned after every
 * earlier change: a try that goes up for retry or a sensor's poke that is rescheduled changes no upstream count and
 * keeps the run in flight, and a mapped instance's success while a sibling is in flight cannot complete any
 * downstream rule listed above nor end the run. `steered` (a branch, short-circuit or expansion followed) always
 * needs planning.
 */
export function finishNeedsPlanning(dag: SerializedDag, ended: EndedTry, steered: boolean): boolean {
  if (steered) return true;
  if (ended.state === 'up_for_retry' || ended.state === 'up_for_reschedule') return false;
  if (ended.state !== 'success' || ended.siblingInFlight !== true) return true;
  const tasks = new Map(dag.tasks.map((t) => [t.task_id, t]));
  const task = tasks.get(ended.taskId);
  if (!task) return true;
  return task.downstream.some((id) => {
    const rule = tasks.get(id)?.trigger_rule;
    return rule === undefined || !UNMOVED_BY_EARLY_SUCCESS.has(rule);
  });
}
