// Whether a task waiting on its upstream tasks may run, must wait, or is settled without running.
// Same decisions as Airflow's TriggerRuleDep, evaluated from counts of upstream states.
import type { TriggerRule } from './dag-model';
import type { TaskState } from './task-states';

export interface UpstreamCounts {
  total: number;
  success: number;
  skipped: number;
  failed: number;
  upstreamFailed: number;
  /** success + skipped + failed + upstream_failed + removed */
  done: number;
}

export type Readiness = 'run' | 'wait' | 'skip' | 'upstream_failed';

export function countUpstream(states: Iterable<TaskState>): UpstreamCounts {
  const c: UpstreamCounts = { total: 0, success: 0, skipped: 0, failed: 0, upstreamFailed: 0, done: 0 };
  for (const s of states) {
    c.total++;
    if (s === 'success') c.success++;
    else if (s === 'skipped') c.skipped++;
    else if (s === 'failed') c.failed++;
    else if (s === 'upstream_failed') c.upstreamFailed++;
    if (s === 'success' || s === 'skipped' || s === 'failed' || s === 'upstream_failed' || s === 'removed') c.done++;
  }
  return c;
}

export function evaluateTriggerRule(rule: TriggerRule, c: UpstreamCounts): Readiness {
  if (c.total === 0 || rule === 'always') return 'run';
  const allDone = c.done === c.total;
  const anyFailed = c.failed + c.upstreamFailed > 0;
  switch (rule) {
    case 'all_success':
      if (anyFailed) return 'upstream_failed';
      if (c.skipped > 0) return 'skip';
      return c.success === c.total ? 'run' : 'wait';
    case 'all_failed':
      if (c.success + c.skipped > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'all_done':
      return allDone ? 'run' : 'wait';
    case 'all_skipped':
      if (c.success + c.failed + c.upstreamFailed > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'one_success':
      if (c.success > 0) return 'run';
      if (!allDone) return 'wait';
      return c.skipped === c.total ? 'skip' : 'upstream_failed';
    case 'one_failed':
      if (anyFailed) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'one_done':
      if (c.success + c.failed + c.upstreamFailed > 0) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'none_failed':
      if (anyFailed) return 'upstream_failed';
      return allDone ? 'run' : 'wait';
    case 'none_failed_min_one_success':
      if (anyFailed) return 'upstream_failed';
      if (!allDone) return 'wait';
      return c.success > 0 ? 'run' : 'skip';
    case 'none_skipped':
      if (c.skipped > 0) return 'skip';
      return allDone ? 'run' : 'wait';
  }
}
