// Queues the scheduled tasks that may run now. One statement reads the candidates (priority order) with
// the open capacity of their pools and DAGs; the choice is the pure pickRunnable(); a second statement
// moves the chosen ones to queued, guarded by their state, and returns what the executor needs.
import { pickRunnable, type Candidate } from '../../engine/pick-runnable';
import type { QueuedTi } from '../../engine/run-store-port';
import { DAG_RUN_MOVES, OCCUPYING_STATES, SCHEDULER_MOVES } from '../../engine/task-states';
import type { SqlClient } from '../database';
import { sqlState, sqlStates } from '../sql-states';

const { queue } = SCHEDULER_MOVES;

/**
 * What queueing adds to the try number (and a requeue takes back): 1, except for the next poke of a try a sensor
 * rescheduled, which is the same try (ADR 0022).
 */
export const NEW_TRY = '(ti.first_poke_at IS NULL)::int';

/** Enough candidates to fill the executor (or a pool) even when some are blocked by their pool or DAG. */
const CANDIDATE_FACTOR = 8;

interface Snapshot {
  candidates: Candidate[];
  pools: Array<{ pool: string; open: number }>;
  dags: Array<{ dagId: string; open: number }>;
}

export async function queueScheduled(
  sql: SqlClient,
  limit: number,
  now: Date,
  onUnknownPools?: (pools: string[]) => void,
): Promise<QueuedTi[]> {
  if (limit <= 0) return [];
  // Only candidates that could fit are read: none from a full pool or a DAG at max_active_tasks, and per
  // pool a few times its open slots. With a small pool (the flashcards' llm) and hundreds of mapped
  // instances waiting, most ticks then read nothing instead of every waiting instance.
  const [row] = await sql.query<{ snapshot: Snapshot }>(
    `WITH busy AS (
       SELECT dag_id, pool, pool_slots FROM task_instance WHERE state IN ${sqlStates(OCCUPYING_STATES)}
     ), pools AS (
       SELECT p.pool, p.slots - coalesce((SELECT sum(b.pool_slots) FROM busy b WHERE b.pool = p.pool), 0)::int AS open
       FROM pool p
     ), dags AS (
       SELECT d.dag_id, d.max_active_tasks - coalesce((SELECT count(*) FROM busy b WHERE b.dag_id = d.dag_id), 0)::int AS open
       FROM dag d WHERE NOT d.is_paused AND d.dag_id IN (SELECT dag_id FROM task_instance WHERE state IN ${sqlStates(queue.from)})
     ), ranked AS (
       SELECT ti.id, ti.dag_id, ti.pool, ti.pool_slots, ti.priority_weight, r.logical_date, ti.map_index, p.open AS pool_open,
         row_number() OVER (PARTITION BY ti.pool ORDER BY ti.priority_weight DESC, r.logical_date, ti.map_index, ti.id) AS pool_rank
       FROM task_instance ti
       JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id AND r.state IN ${sqlStates(DAG_RUN_MOVES.start.to)}
       JOIN dags d ON d.dag_id = ti.dag_id AND d.open > 0
       LEFT JOIN pools p ON p.pool = ti.pool
       WHERE ti.state IN ${sqlStates(queue.from)} AND (p.pool IS NULL OR ti.pool_slots <= p.open)
     )
     SELECT json_build_object(
       'candidates', (SELECT coalesce(json_agg(c), '[]'::json) FROM (
          SELECT id, dag_id AS "dagId", pool, pool_slots AS "poolSlots" FROM ranked
          -- an unknown pool needs one candidate, so the warning about it is given
          WHERE pool_rank <= coalesce(pool_open * $2, 1)
          ORDER BY priority_weight DESC, logical_date, map_index, id
          LIMIT $1) c),
       'pools', (SELECT coalesce(json_agg(json_build_object('pool', pool, 'open', open)), '[]'::json) FROM pools),
       'dags', (SELECT coalesce(json_agg(json_build_object('dagId', dag_id, 'open', open)), '[]'::json) FROM dags)
     ) AS snapshot`,
    [limit * CANDIDATE_FACTOR, CANDIDATE_FACTOR],
  );
  const snap = row!.snapshot;
  if (snap.candidates.length === 0) return [];
  const { picked, unknownPools } = pickRunnable(snap.candidates, {
    poolOpen: new Map(snap.pools.map((p) => [p.pool, p.open])),
    dagOpen: new Map(snap.dags.map((d) => [d.dagId, d.open])),
    executorOpen: limit,
  });
  if (unknownPools.length) onUnknownPools?.(unknownPools);
  if (picked.length === 0) return [];
  return sql.query<QueuedTi>(
    `WITH upd AS (
       UPDATE task_instance ti
       SET state = ${sqlState(queue.to[0])}, try_number = ti.try_number + ${NEW_TRY}, queued_at = $2, updated_at = $2,
         version = ti.version + 1
       WHERE ti.id = ANY($1::uuid[]) AND ti.state IN ${sqlStates(queue.from)}
       RETURNING ti.id, ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.try_number, ti.max_tries, ti.first_poke_at, ti.queue
     )
     SELECT upd.id AS "tiId", upd.dag_id AS "dagId", upd.run_id AS "runId", upd.task_id AS "taskId",
       upd.map_index AS "mapIndex", upd.try_number AS "tryNumber", upd.max_tries AS "maxTries", upd.first_poke_at AS "firstPokeAt",
       upd.queue,
       d.fileloc, r.conf, r.logical_date AS "logicalDate", r.data_interval_start AS "dataIntervalStart",
       r.data_interval_end AS "dataIntervalEnd"
     FROM upd
     JOIN dag_run r ON r.dag_id = upd.dag_id AND r.run_id = upd.run_id
     JOIN dag d ON d.dag_id = upd.dag_id`,
    [picked, now],
  );
}
