// Retry policy as a value (Temporal's shape), one function for the next delay. Used by task retries,
// LLM transport retries and alert delivery alike.
import { z } from 'zod';

export interface RetryPolicy {
  /** Tries in all, the first one included (Airflow's retries + 1). */
  maximumAttempts: number;
  initialIntervalMs: number;
  /** 1 = constant delay; 2 = Airflow's retry_exponential_backoff. */
  backoffCoefficient: number;
  maximumIntervalMs: number | null;
  /** Fraction of the delay added at random (0..1) so retries of many tasks do not stampede. */
  jitter: number;
}

/** A policy as it crosses a process boundary (e.g. inside the LLM provider configuration a task receives). */
export const retryPolicySchema = z.object({
  maximumAttempts: z.number().int().min(1),
  initialIntervalMs: z.number().min(0),
  backoffCoefficient: z.number().min(1),
  maximumIntervalMs: z.number().min(0).nullable(),
  jitter: z.number().min(0).max(1),
}) satisfies z.ZodType<RetryPolicy>;

/** Airflow's default ceiling for exponential backoff: one day. */
const DEFAULT_MAX_INTERVAL_MS = 86_400_000;

/**
 * Delay before try number `nextTry` (2 = the first retry), or null when the policy has no tries left.
 * `random` is injected so tests are deterministic.
 */
export function nextRetryDelay(policy: RetryPolicy, nextTry: number, random: () => number = Math.random): number | null {
  if (nextTry > policy.maximumAttempts) return null;
  const retryIndex = Math.max(0, nextTry - 2);
  const base = policy.initialIntervalMs * policy.backoffCoefficient ** retryIndex;
  const ceiling = policy.maximumIntervalMs ?? (policy.backoffCoefficient > 1 ? DEFAULT_MAX_INTERVAL_MS : Infinity);
  const capped = Math.min(base, ceiling);
  const jittered = capped + capped * policy.jitter * random();
  return Math.round(Math.min(jittered, ceiling));
}

/** The policy a serialized task's retry fields describe. */
export function taskRetryPolicy(task: {
  retries: number;
  retry_delay_ms: number;
  retry_exponential_backoff: boolean;
  max_retry_delay_ms: number | null;
}): RetryPolicy {
  return {
    maximumAttempts: task.retries + 1,
    initialIntervalMs: task.retry_delay_ms,
    backoffCoefficient: task.retry_exponential_backoff ? 2 : 1,
    maximumIntervalMs: task.max_retry_delay_ms,
    jitter: task.retry_exponential_backoff ? 0.1 : 0,
  };
}
