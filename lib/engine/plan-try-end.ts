// What a finished try turns into: success, skipped, up_for_retry (with the moment it may run again) or
// failed — and which callback that calls for. A sensor's rescheduled poke is no end: its try waits up_for_reschedule.
import type { CallbackKind, SerializedTask } from './dag-model';
import type { TaskOutcome } from './executor-port';
import { nextRetryDelay, taskRetryPolicy } from '../kernel/retry-policy';
import type { TryFinishState } from './task-states';

export interface TryEnd {
  state: TryFinishState;
  /** When an up_for_retry or up_for_reschedule instance may be scheduled again. */
  nextRetryAt: Date | null;
  error: string | null;
  callback: CallbackKind | null;
}

export function planTryEnd(
  task: SerializedTask | undefined,
  tryNumber: number,
  outcome: TaskOutcome,
  now: Date,
  random: () => number = Math.random,
): TryEnd {
  if (outcome.status === 'success') return { state: 'success', nextRetryAt: null, error: null, callback: 'onSuccess' };
  if (outcome.status === 'skipped') return { state: 'skipped', nextRetryAt: null, error: outcome.reason, callback: null };
  if (outcome.status === 'reschedule') return { state: 'up_for_reschedule', nextRetryAt: outcome.rescheduleAt, error: null, callback: null };
  const error = `${outcome.error.name}: ${outcome.error.message}`;
  if (task && outcome.error.retriable) {
    const delay = nextRetryDelay(taskRetryPolicy(task), tryNumber + 1, random);
    if (delay !== null) {
      return { state: 'up_for_retry', nextRetryAt: new Date(now.getTime() + delay), error, callback: 'onRetry' };
    }
  }
  return { state: 'failed', nextRetryAt: null, error, callback: 'onFailure' };
}
