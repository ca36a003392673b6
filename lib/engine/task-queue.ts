// Task queues (Airflow's per-task `queue`, ADR 0028): which workers may take a task's tries. One schema for the name,
// checked where a DAG is compiled and where `flashflow worker --queues` is parsed, so both accept the same names.
import { z } from 'zod';

/** Airflow's default queue: tasks that name none, and workers started without --queues. */
export const DEFAULT_QUEUE = 'default';

export const QueueNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a queue name is 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit');

/** The queue of a serialized task; DAGs serialized before queues existed ran everything on the default one. */
export function taskQueue(task: { queue?: string }): string {
  return task.queue ?? DEFAULT_QUEUE;
}
