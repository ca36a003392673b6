// Picks the scheduled tasks that may run now, highest priority first, without exceeding any pool's open
// slots or any DAG's max_active_tasks, and moves them to queued in the same statement.
import type { QueuedTi } from '../../engine/run-store-port';
import type { SqlClient } from '../database';

export async function queueScheduled(sql: SqlClient, limit: number, now: Date): Promise<QueuedTi[]> {
  if (limit <= 0) return [];
  return sql.query<QueuedTi>(
    `WITH candidates AS (
       SELECT ti.id, ti.dag_id, ti.pool,
         sum(ti.pool_slots) OVER (PARTITION BY ti.pool ORDER BY ti.priority_weight DESC, r.logical_date, ti.map_index, ti.id) AS pool_cum,
         row_number() OVER (PARTITION BY ti.dag_id ORDER BY ti.priority_weight DESC, r.logical_date, ti.map_index, ti.id) AS dag_rn,
         row_number() OVER (ORDER BY ti.priority_weight DESC, r.logical_date, ti.map_index, ti.id) AS rn
       FROM task_instance ti
       JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id AND r.state = 'running'
       JOIN dag d ON d.dag_id = ti.dag_id AND NOT d.is_paused
       WHERE ti.state = 'scheduled'
     ), pool_used AS (
       SELECT pool, sum(pool_slots) AS used FROM task_instance WHERE state IN ('queued', 'running') GROUP BY pool
     ), dag_used AS (
       SELECT dag_id, count(*) AS used FROM task_instance WHERE state IN ('queued', 'running') GROUP BY dag_id
     ), chosen AS (
       SELECT c.id FROM candidates c
       JOIN pool p ON p.pool = c.pool
       JOIN dag d ON d.dag_id = c.dag_id
       LEFT JOIN pool_used pu ON pu.pool = c.pool
       LEFT JOIN dag_used du ON du.dag_id = c.dag_id
       WHERE c.pool_cum + coalesce(pu.used, 0) <= p.slots AND c.dag_rn + coalesce(du.used, 0) <= d.max_active_tasks
       ORDER BY c.rn LIMIT $1
     ), upd AS (
       UPDATE task_instance ti
       SET state = 'queued', try_number = ti.try_number + 1, queued_at = $2, updated_at = $2, version = ti.version + 1
       FROM chosen WHERE ti.id = chosen.id AND ti.state = 'scheduled'
       RETURNING ti.id, ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.try_number, ti.max_tries
     )
     SELECT upd.id AS "tiId", upd.dag_id AS "dagId", upd.run_id AS "runId", upd.task_id AS "taskId",
       upd.map_index AS "mapIndex", upd.try_number AS "tryNumber", upd.max_tries AS "maxTries",
       d.fileloc, r.conf, r.logical_date AS "logicalDate", r.data_interval_start AS "dataIntervalStart",
       r.data_interval_end AS "dataIntervalEnd"
     FROM upd
     JOIN dag_run r ON r.dag_id = upd.dag_id AND r.run_id = upd.run_id
     JOIN dag d ON d.dag_id = upd.dag_id`,
    [limit, now],
  );
}
