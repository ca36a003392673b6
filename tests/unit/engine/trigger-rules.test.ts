import { describe, expect, it } from 'vitest';
import type { TriggerRule } from '../../../lib/engine/dag-model';
import type { TaskState } from '../../../lib/engine/task-states';
import { countUpstream, evaluateTriggerRule, type Readiness } from '../../../lib/engine/trigger-rules';

const cases: Array<[TriggerRule, TaskState[], Readiness]> = [
  ['all_success', ['success', 'success'], 'run'],
  ['all_success', ['success', 'running'], 'wait'],
  ['all_success', ['success', 'failed'], 'upstream_failed'],
  ['all_success', ['running', 'upstream_failed'], 'upstream_failed'],
  ['all_success', ['success', 'skipped'], 'skip'],
  ['all_failed', ['failed', 'upstream_failed'], 'run'],
  ['all_failed', ['failed', 'success'], 'skip'],
  ['all_failed', ['failed', 'running'], 'wait'],
  ['all_done', ['failed', 'skipped', 'success'], 'run'],
  ['all_done', ['failed', 'queued'], 'wait'],
  ['all_skipped', ['skipped', 'skipped'], 'run'],
  ['all_skipped', ['skipped', 'success'], 'skip'],
  ['one_success', ['success', 'running'], 'run'],
  ['one_success', ['failed', 'running'], 'wait'],
  ['one_success', ['failed', 'skipped'], 'upstream_failed'],
  ['one_success', ['skipped', 'skipped'], 'skip'],
  ['one_failed', ['failed', 'running'], 'run'],
  ['one_failed', ['success', 'skipped'], 'skip'],
  ['one_done', ['failed', 'running'], 'run'],
  ['one_done', ['skipped', 'skipped'], 'skip'],
  ['one_done', ['skipped', 'running'], 'wait'],
  ['none_failed', ['success', 'skipped'], 'run'],
  ['none_failed', ['success', 'upstream_failed'], 'upstream_failed'],
  ['none_failed_min_one_success', ['success', 'skipped'], 'run'],
  ['none_failed_min_one_success', ['skipped', 'skipped'], 'skip'],
  ['none_failed_min_one_success', ['failed', 'skipped'], 'upstream_failed'],
  ['none_skipped', ['success', 'failed'], 'run'],
  ['none_skipped', ['success', 'skipped'], 'skip'],
  ['none_skipped', ['success', 'running'], 'wait'],
  ['always', ['running', 'failed'], 'run'],
];

describe('trigger rules', () => {
  it.each(cases)('%s with upstream %j → %s', (rule, states, expected) => {
    expect(evaluateTriggerRule(rule, countUpstream(states))).toBe(expected);
  });

  it('runs a task that has no upstream whatever its rule', () => {
    expect(evaluateTriggerRule('all_failed', countUpstream([]))).toBe('run');
  });
});
