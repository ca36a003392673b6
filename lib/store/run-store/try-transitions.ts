// Set-based task-instance transitions. Each statement is one of the table's scheduler moves, its states written from
// the move's `from` and `to` (sql-states.ts), and names the state (and try number) it expects, so a transition
// planned from a stale view is not applied; every change bumps the row version.
import type { TiDecision } from '../../engine/plan-run';
import type { FinishedTi, LogLine, OrphanTi, RunKey, TiRecord, TryFinish, TryStart } from '../../engine/run-store-port';
import {
  FINISHED_STATES, IN_FLIGHT_STATES, OCCUPYING_STATES, SCHEDULER_MOVES, TASK_INITIAL_STATE,
} from '../../engine/task-states';
import type { SqlClient } from '../database';
import { sqlState, sqlStates } from '../sql-states';
import { recordHistoryOf } from '../task-instance-history';
import { NEW_TRY } from './claim-scheduled';
import { insertLogLinesSql, logLineParams } from './logs-and-callbacks';
import { noteRowsAdded } from './embedded-maintenance';
import { runKeyArrays } from './sql-arrays';

const { decide, steerSkip, expand, start, finish, reschedule, promoteDue, requeue: requeueMove } = SCHEDULER_MOVES;
/** A 'finished' event ends its try, or reschedules a sensor's poke (ADR 0022): one statement writes both. */
const finishing = { from: [...new Set([...finish.from, ...reschedule.from])], to: [...finish.to, ...reschedule.to] };
/** When the try began: its first poke for a sensor that was rescheduled, else this run's start. */
const TRY_START = 'coalesce(ti.first_poke_at, f.start_at, ti.start_date, f.at)';

const TI_COLUMNS = `ti.id, ti.dag_id AS "dagId", ti.run_id AS "runId", ti.task_id AS "taskId",
  ti.map_index AS "mapIndex", ti.state, ti.try_number AS "tryNumber", ti.max_tries AS "maxTries"`;

/**
 * Every task instance of the runs, planned on each tick that touches them. A mapped run has hundreds, so
 * they travel as one JSON array per run: decoding row by row cost the embedded driver twice as much.
 */
export async function loadTis(sql: SqlClient, runs: RunKey[]): Promise<TiRecord[]> {
  const [dagIds, runIds] = runKeyArrays(runs);
  const rows = await sql.query<{ dagId: string; runId: string; tis: Array<[string, string, number, TiRecord['state'], number, number]> }>(
    `SELECT k.dag_id AS "dagId", k.run_id AS "runId",
       json_agg(json_build_array(ti.id, ti.task_id, ti.map_index, ti.state, ti.try_number, ti.max_tries)) AS tis
     FROM unnest($1::text[], $2::text[]) AS k(dag_id, run_id)
     JOIN task_instance ti ON ti.dag_id = k.dag_id AND ti.run_id = k.run_id
     GROUP BY k.dag_id, k.run_id`,
    [dagIds, runIds],
  );
  return rows.flatMap(({ dagId, runId, tis }) =>
    tis.map(([id, taskId, mapIndex, state, tryNumber, maxTries]) => ({ id, dagId, runId, taskId, mapIndex, state, tryNumber, maxTries })),
  );
}

export async function applyDecisions(sql: SqlClient, decisions: TiDecision[], now: Date): Promise<number> {
  if (decisions.length === 0) return 0;
  const rows = await sql.query(
    `UPDATE task_instance ti
     SET state = d.next, updated_at = $4, version = ti.version + 1,
         end_date = CASE WHEN d.next IN ${sqlStates(FINISHED_STATES)} THEN $4 ELSE ti.end_date END
     FROM unnest($1::uuid[], $2::text[], $3::text[]) AS d(id, prev, next)
     WHERE ti.id = d.id AND ti.state = d.prev AND d.prev IN ${sqlStates(decide.from)} AND d.next IN ${sqlStates(decide.to)}
     RETURNING ti.id`,
    [decisions.map((d) => d.id), decisions.map((d) => d.from), decisions.map((d) => d.to), now],
  );
  return rows.length;
}

export async function markStarted(sql: SqlClient, starts: TryStart[]): Promise<void> {
  await sql.query(
    `UPDATE task_instance ti
     SET state = ${sqlState(start.to[0])}, start_date = coalesce(ti.first_poke_at, s.at), end_date = NULL, heartbeat_at = s.at, hostname = s.hostname,
         pid = s.pid, updated_at = s.at, version = ti.version + 1
     FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::timestamptz[]) AS s(id, try_number, pid, hostname, at)
     WHERE ti.id = s.id AND ti.try_number = s.try_number AND ti.state IN ${sqlStates(start.from)}`,
    [starts.map((s) => s.tiId), starts.map((s) => s.tryNumber), starts.map((s) => s.pid),
      starts.map((s) => s.hostname), starts.map((s) => s.at)],
  );
}

export async function heartbeat(sql: SqlClient, tis: Array<{ tiId: string; tryNumber: number }>, at: Date): Promise<void> {
  await sql.query(
    `UPDATE task_instance ti SET heartbeat_at = $3
     FROM unnest($1::uuid[], $2::int[]) AS h(id, try_number)
     WHERE ti.id = h.id AND ti.try_number = h.try_number AND ti.state IN ${sqlStates(start.to)}`,
    [tis.map((t) => t.tiId), tis.map((t) => t.tryNumber), at],
  );
}

/**
 * Ends tries, or reschedules sensors' pokes. A try already ended (e.g. marked failed by hand meanwhile) is left alone
 * and not returned. A reschedule writes no history row: the try goes on, and its one row is written when it ends.
 * `logs`: lines that came with the ends (already through the log cap), stored by the same statement.
 */
export async function finishTries(sql: SqlClient, finishes: TryFinish[], logs: LogLine[] = []): Promise<FinishedTi[]> {
  if (finishes.length === 0) return [];
  const xcoms = finishes.map((f) => (f.state === 'success' ? JSON.stringify(f.xcom ?? null) : null));
  // One statement (so no explicit transaction): state change, history row, XCom of each success, and the log lines.
  return sql.query<FinishedTi>(
    `WITH f AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[],
         $7::text[], $8::timestamptz[], $9::int[], $10::text[])
         AS f(id, try_number, state, at, next_retry_at, error, xcom, start_at, pid, hostname)
     ), upd AS (
       UPDATE task_instance ti
       SET state = f.state, end_date = f.at, next_retry_at = f.next_retry_at, last_error = f.error,
           start_date = ${TRY_START}, pid = coalesce(f.pid, ti.pid), hostname = coalesce(f.hostname, ti.hostname),
           first_poke_at = CASE WHEN f.state IN ${sqlStates(reschedule.to)} THEN ${TRY_START} END,
           duration = EXTRACT(EPOCH FROM (f.at - ${TRY_START})), updated_at = f.at, version = ti.version + 1
       -- prev: the row as this statement found it, for the history's from_state.
       FROM f, task_instance prev
       WHERE ti.id = f.id AND prev.id = f.id AND ti.try_number = f.try_number AND ti.state = prev.state
         AND prev.state IN ${sqlStates(finishing.from)} AND f.state IN ${sqlStates(finishing.to)}
       RETURNING ti.*, prev.state AS from_state, f.xcom AS f_xcom
     ), hist AS (
       ${recordHistoryOf('scheduler', finish.to)}
     ), xc AS (
       INSERT INTO xcom (dag_id, run_id, task_id, map_index, key, value, timestamp)
       SELECT dag_id, run_id, task_id, map_index, 'return_value', f_xcom::jsonb, end_date FROM upd
       WHERE state = ${sqlState('success')}
       ON CONFLICT (dag_id, run_id, task_id, map_index, key) DO UPDATE SET value = EXCLUDED.value, timestamp = EXCLUDED.timestamp
     ), logs AS (
       ${insertLogLinesSql(11)}
     )
     SELECT id AS "tiId", dag_id AS "dagId", run_id AS "runId", task_id AS "taskId", map_index AS "mapIndex",
       try_number AS "tryNumber", state,
       -- Rows this statement ends are left out of the in-flight siblings (the snapshot predates it).
       upd.state = ${sqlState('success')} AND upd.map_index >= 0 AND EXISTS (
         SELECT 1 FROM task_instance s
         WHERE s.dag_id = upd.dag_id AND s.run_id = upd.run_id AND s.task_id = upd.task_id AND s.map_index >= 0
           AND s.id <> ALL($1::uuid[]) AND s.state IN ${sqlStates(IN_FLIGHT_STATES)}
       ) AS "siblingInFlight"
     FROM upd`,
    [finishes.map((f) => f.tiId), finishes.map((f) => f.tryNumber), finishes.map((f) => f.state),
      finishes.map((f) => f.at), finishes.map((f) => f.nextRetryAt), finishes.map((f) => f.error), xcoms,
      finishes.map((f) => f.start?.at ?? null), finishes.map((f) => f.start?.pid ?? null),
      finishes.map((f) => f.start?.hostname ?? null), ...logLineParams(logs)],
  );
}

export async function skipTasks(sql: SqlClient, run: RunKey, taskIds: string[], now: Date): Promise<void> {
  await sql.query(
    `UPDATE task_instance SET state = ${sqlState(steerSkip.to[0])}, end_date = $4, updated_at = $4, version = version + 1
     WHERE dag_id = $1 AND run_id = $2 AND task_id = ANY($3::text[]) AND state IN ${sqlStates(steerSkip.from)}`,
    [run.dagId, run.runId, taskIds, now],
  );
}

/** The placeholder (map_index -1) becomes index 0 and is copied for 1..count-1; no items → skipped. */
export async function expandMapped(sql: SqlClient, run: RunKey, taskId: string, count: number, now: Date): Promise<void> {
  await sql.transaction(async (tx) => {
    if (count === 0) {
      await tx.query(
        `UPDATE task_instance SET state = ${sqlState(expand.to[0])}, end_date = $4, updated_at = $4, version = version + 1
         WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = -1 AND state IN ${sqlStates(expand.from)}`,
        [run.dagId, run.runId, taskId, now],
      );
      return;
    }
    const moved = await tx.query(
      `UPDATE task_instance SET map_index = 0, updated_at = $4, version = version + 1
       WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND map_index = -1 AND state IN ${sqlStates(expand.from)}
       RETURNING id`,
      [run.dagId, run.runId, taskId, now],
    );
    if (moved.length === 0) return;
    await tx.query(
      `INSERT INTO task_instance (dag_id, run_id, task_id, map_index, state, max_tries, operator, pool, pool_slots,
         priority_weight, queue, updated_at)
       SELECT ti.dag_id, ti.run_id, ti.task_id, i, ${sqlState(TASK_INITIAL_STATE)}, ti.max_tries, ti.operator, ti.pool, ti.pool_slots,
         ti.priority_weight, ti.queue, $4
       FROM task_instance ti, generate_series(1, $5::int - 1) AS i
       WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = $3 AND ti.map_index = 0`,
      [run.dagId, run.runId, taskId, now, count],
    );
  });
  noteRowsAdded(sql, count);
}

export async function promoteDueRetries(sql: SqlClient, now: Date): Promise<RunKey[]> {
  return sql.query<RunKey>(
    `UPDATE task_instance SET state = ${sqlState(promoteDue.to[0])}, next_retry_at = NULL, updated_at = $1,
       version = version + 1
     WHERE state IN ${sqlStates(promoteDue.from)} AND next_retry_at <= $1
     RETURNING dag_id AS "dagId", run_id AS "runId"`,
    [now],
  );
}

export async function nextRetryAt(sql: SqlClient): Promise<Date | null> {
  const [row] = await sql.query<{ at: Date | null }>(
    `SELECT min(next_retry_at) AS at FROM task_instance WHERE state IN ${sqlStates(promoteDue.from)}`,
  );
  return row?.at ?? null;
}

export async function findOrphans(sql: SqlClient, heartbeatBefore: Date | null): Promise<OrphanTi[]> {
  return heartbeatBefore
    ? sql.query<OrphanTi>(
        `SELECT ${TI_COLUMNS}, ti.queue FROM task_instance ti
         WHERE ti.state IN ${sqlStates(start.to)} AND coalesce(ti.heartbeat_at, ti.start_date) < $1`,
        [heartbeatBefore],
      )
    : sql.query<OrphanTi>(`SELECT ${TI_COLUMNS}, ti.queue FROM task_instance ti WHERE ti.state IN ${sqlStates(OCCUPYING_STATES)}`);
}

export async function requeue(sql: SqlClient, tis: Array<{ tiId: string; tryNumber: number }>, now: Date): Promise<void> {
  await sql.query(
    `UPDATE task_instance ti SET state = ${sqlState(requeueMove.to[0])}, try_number = ti.try_number - ${NEW_TRY}, queued_at = NULL,
       updated_at = $3, version = ti.version + 1
     FROM unnest($1::uuid[], $2::int[]) AS r(id, try_number)
     WHERE ti.id = r.id AND ti.try_number = r.try_number AND ti.state IN ${sqlStates(requeueMove.from)}`,
    [tis.map((t) => t.tiId), tis.map((t) => t.tryNumber), now],
  );
}
