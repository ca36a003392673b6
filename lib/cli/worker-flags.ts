// `flashflow worker --queues a,b --concurrency N` (Airflow's `celery worker --queues --concurrency`), checked with the
// same queue-name schema DAGs are compiled with, so a worker cannot be told to serve a queue no task could name.
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { QueueNameSchema } from '../engine/task-queue';

const QueuesSchema = z.array(QueueNameSchema).min(1, 'name at least one queue, e.g. --queues default,gpu');
const ConcurrencySchema = z.coerce.number().int('a whole number').min(1, 'at least 1').max(1024, 'at most 1024');

/** 'default, gpu' → ['default', 'gpu'] (duplicates dropped, order kept). Throws one line naming the bad part. */
export function parseQueuesFlag(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const parsed = QueuesSchema.safeParse(names);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const bad = typeof issue.path[0] === 'number' ? `'${names[issue.path[0]]}': ` : '';
    throw new InvalidArgumentError(`${bad}${issue.message}`);
  }
  return [...new Set(parsed.data)];
}

/** Tries each runner process runs at once; overrides FLASHFLOW_WORKER_CONCURRENCY. */
export function parseConcurrencyFlag(value: string): number {
  const parsed = ConcurrencySchema.safeParse(value.trim() === '' ? NaN : value);
  if (!parsed.success) throw new InvalidArgumentError(`'${value}' is not a concurrency: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
