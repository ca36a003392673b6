// What the scheduler and `flashflow worker` processes exchange through Redis (BullMQ queues and one pub/sub
// channel), as zod schemas: the queue is a boundary between processes of possibly different versions, and JSON
// turns Dates into strings that must be read back as Dates.
import { z } from 'zod';
import type { ExecutorEvent, ExecutorJob } from '../../engine/executor-port';
import { DEFAULT_QUEUE } from '../../engine/task-queue';

/** BullMQ queue and channel names, under Redis key prefix PREFIX. */
export const PREFIX = 'flashflow';
export const TASK_QUEUE = 'tasks';
export const EVENT_QUEUE = 'events';
export const KILL_CHANNEL = 'flashflow:kill';

/**
 * The BullMQ queue of a Flashflow task queue (ADR 0028). The default one keeps the name it had before queues
 * existed, so workers and schedulers of either version still meet; BullMQ refuses ':' in names, hence the dot.
 */
export function bullQueueName(queue: string | undefined): string {
  return !queue || queue === DEFAULT_QUEUE ? TASK_QUEUE : `${TASK_QUEUE}.${queue}`;
}

/** The queue a job goes to: a try's own; callbacks run on the default queue's workers. */
export function queueOf(job: ExecutorJob): string {
  return job.type === 'task' ? (job.queue ?? DEFAULT_QUEUE) : DEFAULT_QUEUE;
}

/** The job id of a try (or callback) in the task queue: one per try, so a resubmission is not queued twice. */
export function queueJobId(job: ExecutorJob): string {
  return job.type === 'task' ? taskJobId(job.tiId, job.tryNumber) : `callback-${job.id}`;
}

export function taskJobId(tiId: string, tryNumber: number): string {
  return `task-${tiId}-${tryNumber}`;
}

/**
 * How long a completed try stays in the task queue: a scheduler taking over finds it there and knows its
 * 'finished' event is waiting in the event queue (task-worker.ts sends it before completing the job).
 */
export const KEEP_COMPLETED_S = 24 * 3600;

/** A try or callback handed to the workers. `fileloc` is relative to the DAGs folder when it is inside it. */
export interface QueuedWork {
  job: ExecutorJob;
  /** Per-try token for the task-execution endpoint (none for callbacks, which call no services). */
  token: string | null;
}

const at = z.coerce.date();
const tryRef = { tiId: z.string().min(1), tryNumber: z.number().int().min(1), at };

const TaskFailureSchema = z.object({ message: z.string(), name: z.string(), retriable: z.boolean(), stack: z.string().optional() });
const TaskOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), xcom: z.unknown() }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
  z.object({ status: z.literal('failed'), error: TaskFailureSchema }),
  z.object({ status: z.literal('reschedule'), rescheduleAt: at }),
]);

const ExecutorEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), ...tryRef, pid: z.number().int(), hostname: z.string() }),
  z.object({ type: z.literal('heartbeat'), ...tryRef }),
  z.object({ type: z.literal('log'), ...tryRef, stream: z.enum(['stdout', 'stderr', 'log']), line: z.string() }),
  z.object({ type: z.literal('finished'), ...tryRef, outcome: TaskOutcomeSchema }),
  z.object({ type: z.literal('callback_finished'), id: z.string().min(1), ok: z.boolean(), error: z.string().nullable(), at }),
]);

/** Events travel in batches: a busy try's log lines would otherwise cost a queue job each. */
export const EventBatchSchema = z.object({ worker: z.string(), events: z.array(ExecutorEventSchema) });
export type EventBatch = { worker: string; events: ExecutorEvent[] };

export const KillMessageSchema = z.object({ tiId: z.string().min(1), reason: z.string() });
export type KillMessage = z.infer<typeof KillMessageSchema>;
