// The `worker` table (ADR 0028): the workers the active scheduler's executor saw, recorded every few seconds, so
// the web app (which reaches the database, not Redis) can say when a queued try waits on a queue nobody serves.
import type { WorkerInfo } from '../engine/executor-port';
import type { SqlClient } from './database';

/** A worker last seen longer ago than this is gone (they announce every 5 s; the scheduler records every 5 s). */
export const WORKER_LIVE_MS = 30_000;
/** Rows of workers gone this long are deleted. */
const FORGET_AFTER_MS = 24 * 3600_000;

export async function recordWorkers(sql: SqlClient, workers: WorkerInfo[], now: Date): Promise<void> {
  await sql.query(
    `WITH seen AS (
       INSERT INTO worker (name, hostname, queues, slots, last_heartbeat)
       SELECT u.name, u.hostname, u.queues::jsonb, u.slots, u.last_heartbeat
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[]) AS u(name, hostname, queues, slots, last_heartbeat)
       ON CONFLICT (name) DO UPDATE SET hostname = EXCLUDED.hostname, queues = EXCLUDED.queues, slots = EXCLUDED.slots,
         last_heartbeat = greatest(worker.last_heartbeat, EXCLUDED.last_heartbeat)
       RETURNING name
     )
     DELETE FROM worker WHERE last_heartbeat < $6 AND name NOT IN (SELECT name FROM seen)`,
    [workers.map((w) => w.name), workers.map((w) => w.hostname), workers.map((w) => (w.queues === null ? null : JSON.stringify(w.queues))),
      workers.map((w) => w.slots), workers.map((w) => w.lastHeartbeat), new Date(now.getTime() - FORGET_AFTER_MS)],
  );
}

/** Workers seen within WORKER_LIVE_MS. */
export async function liveWorkers(sql: SqlClient, now: Date): Promise<WorkerInfo[]> {
  return sql.query<WorkerInfo>(
    `SELECT name, hostname, queues, slots, last_heartbeat AS "lastHeartbeat" FROM worker WHERE last_heartbeat >= $1 ORDER BY name`,
    [new Date(now.getTime() - WORKER_LIVE_MS)],
  );
}

/**
 * Why a try queued on `queue` may not be taken: no live worker serves that queue (null when one does, or when the
 * executor runs every queue itself). Says how to fix it, since it is what a user looking at a stuck try needs.
 */
export async function unservedQueueNote(sql: SqlClient, queue: string, now: Date): Promise<string | null> {
  const workers = await liveWorkers(sql, now);
  if (workers.some((w) => w.queues === null || w.queues.includes(queue))) return null;
  return `queued on '${queue}': no running worker serves this queue (start one with \`flashflow worker --queues ${queue}\`)`;
}
