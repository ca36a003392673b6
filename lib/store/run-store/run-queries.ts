// DAG-run rows: creation with their task instances, starting queued runs, and ending them.
import type { SerializedDag } from '../../engine/dag-model';
import type { MappedItemRequest, NewRun, RunKey, RunRecord } from '../../engine/run-store-port';
import { DAG_RUN_INITIAL_STATE, DAG_RUN_MOVES, TASK_INITIAL_STATE } from '../../engine/task-states';
import type { SqlClient } from '../database';
import { taskQueue } from '../../engine/task-queue';
import { sqlState, sqlStates } from '../sql-states';
import { noteRowsAdded } from './embedded-maintenance';
import { runKeyArrays } from './sql-arrays';

export const RUN_COLUMNS = `id, dag_id AS "dagId", run_id AS "runId", run_type AS "runType", state,
  logical_date AS "logicalDate", data_interval_start AS "dataIntervalStart",
  data_interval_end AS "dataIntervalEnd", conf`;

/**
 * The run and every task instance exist together or not at all: one statement, whose two inserts commit together.
 * `before` and `after` make it a transaction: `before` runs first and can veto the run by returning false
 * (asset-triggered runs consume their queue), and `after` runs last with the new run's row id (they link the events
 * they consumed).
 */
export async function createRun(
  sql: SqlClient,
  run: NewRun,
  dag: SerializedDag,
  now: Date,
  hooks: { before?: (tx: SqlClient) => Promise<boolean>; after?: (tx: SqlClient, dagRunId: number) => Promise<void> } = {},
): Promise<boolean> {
  const { before, after } = hooks;
  const insert = async (db: SqlClient): Promise<number | null> => (await insertRunRows(db, run, dag, now))[0]?.id ?? null;
  const created = before || after
    ? await sql.transaction(async (tx) => {
      if (before && !(await before(tx))) throw NOT_CREATED;
      const id = await insert(tx);
      if (id === null) throw NOT_CREATED;
      if (after) await after(tx, id);
      return true;
    }).catch((err: unknown) => {
      if (err === NOT_CREATED) return false;
      throw err;
    })
    // A trigger's hot path: one round trip, no BEGIN and COMMIT.
    : (await insert(sql)) !== null;
  if (created) noteRowsAdded(sql, dag.tasks.length + 1);
  return created;
}

/** The run's row and its task instances' in one statement; no row when a run of that id exists. */
function insertRunRows(db: SqlClient, run: NewRun, dag: SerializedDag, now: Date): Promise<{ id: number }[]> {
  const t = dag.tasks;
  return db.query<{ id: number }>(
    `WITH created AS (
       INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end,
         conf, queued_at, external_trigger, note, created_at)
       VALUES ($1, $2, $3, ${sqlState(DAG_RUN_INITIAL_STATE)}, $4, $5, $6, $7::jsonb, $8, $9, $10, $8)
       ON CONFLICT (dag_id, run_id) DO NOTHING
       RETURNING id
     ), tis AS (
       INSERT INTO task_instance (dag_id, run_id, task_id, map_index, state, max_tries, operator, pool, pool_slots,
         priority_weight, queue, updated_at)
       SELECT $1, $2, u.task_id, -1, ${sqlState(TASK_INITIAL_STATE)}, u.max_tries, u.operator, u.pool, u.pool_slots,
         u.priority_weight, u.queue, $8
       FROM created, unnest($11::text[], $12::int[], $13::text[], $14::text[], $15::int[], $16::int[], $17::text[])
         AS u(task_id, max_tries, operator, pool, pool_slots, priority_weight, queue)
     )
     SELECT id FROM created`,
    [run.dagId, run.runId, run.runType, run.logicalDate, run.dataIntervalStart, run.dataIntervalEnd,
      JSON.stringify(run.conf), now, run.externalTrigger, run.note ?? null,
      t.map((x) => x.task_id), t.map((x) => x.retries), t.map((x) => x.operator), t.map((x) => x.pool),
      t.map((x) => x.pool_slots), t.map((x) => x.priority_weight), t.map(taskQueue)],
  );
}

/** Thrown inside the transaction so that whatever `before` did is rolled back with the run. */
const NOT_CREATED = Symbol('run not created');

/** Oldest queued runs first, while their DAG is unpaused and below max_active_runs. */
export async function startQueuedRuns(sql: SqlClient, now: Date): Promise<RunKey[]> {
  return sql.query<RunKey>(
    `WITH running AS (
       SELECT dag_id, count(*) AS n FROM dag_run WHERE state IN ${sqlStates(DAG_RUN_MOVES.start.to)} GROUP BY dag_id
     ), ranked AS (
       SELECT r.id, r.dag_id, row_number() OVER (PARTITION BY r.dag_id ORDER BY r.logical_date, r.id) AS rn
       FROM dag_run r WHERE r.state IN ${sqlStates(DAG_RUN_MOVES.start.from)}
     ), chosen AS (
       SELECT ranked.id FROM ranked
       JOIN dag d ON d.dag_id = ranked.dag_id AND NOT d.is_paused
       LEFT JOIN running ON running.dag_id = ranked.dag_id
       WHERE ranked.rn + coalesce(running.n, 0) <= d.max_active_runs
     )
     UPDATE dag_run r SET state = ${sqlState(DAG_RUN_MOVES.start.to[0])}, start_date = $1, version = r.version + 1
     FROM chosen WHERE r.id = chosen.id AND r.state IN ${sqlStates(DAG_RUN_MOVES.start.from)}
     RETURNING r.dag_id AS "dagId", r.run_id AS "runId"`,
    [now],
  );
}

export async function listRunningRuns(sql: SqlClient): Promise<RunRecord[]> {
  return sql.query<RunRecord>(`SELECT ${RUN_COLUMNS} FROM dag_run WHERE state IN ${sqlStates(DAG_RUN_MOVES.start.to)} ORDER BY id`);
}

export async function finishRun(
  sql: SqlClient,
  run: RunKey,
  state: (typeof DAG_RUN_MOVES.finish.to)[number],
  reason: string | null,
  now: Date,
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE dag_run SET state = $3, end_date = $4, failure_reason = $5, version = version + 1
     WHERE dag_id = $1 AND run_id = $2 AND state IN ${sqlStates(DAG_RUN_MOVES.finish.from)}
       AND $3 IN ${sqlStates(DAG_RUN_MOVES.finish.to)}
     RETURNING id`,
    [run.dagId, run.runId, state, now, reason],
  );
  return rows.length > 0;
}

/**
 * The XComs of these tasks, one row per task instance: an instance that left none (failed, skipped) gives null, so a
 * mapped task's list keeps one entry per instance, the last ones included.
 */
export async function loadXcoms(sql: SqlClient, runs: RunKey[], taskIds: string[]) {
  const [dagIds, runIds] = runKeyArrays(runs);
  return sql.query<{ dagId: string; runId: string; taskId: string; mapIndex: number; value: unknown }>(
    `SELECT ti.dag_id AS "dagId", ti.run_id AS "runId", ti.task_id AS "taskId", ti.map_index AS "mapIndex", x.value
     FROM task_instance ti JOIN unnest($1::text[], $2::text[]) AS k(dag_id, run_id)
       ON ti.dag_id = k.dag_id AND ti.run_id = k.run_id
     LEFT JOIN xcom x ON x.dag_id = ti.dag_id AND x.run_id = ti.run_id AND x.task_id = ti.task_id
       AND x.map_index = ti.map_index AND x.key = 'return_value'
     WHERE ti.task_id = ANY($3::text[])`,
    [dagIds, runIds, taskIds],
  );
}

/** Items of mapped instances, cut from their source's list in the database: the list itself can be long. */
export async function loadMappedItems(sql: SqlClient, requests: MappedItemRequest[]) {
  if (requests.length === 0) return [];
  return sql.query<MappedItemRequest & { value: unknown }>(
    `SELECT k.dag_id AS "dagId", k.run_id AS "runId", k.task_id AS "taskId", k.idx AS "index", x.value -> k.idx AS value
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS k(dag_id, run_id, task_id, idx)
     JOIN xcom x ON x.dag_id = k.dag_id AND x.run_id = k.run_id AND x.task_id = k.task_id AND x.map_index = -1
       AND x.key = 'return_value'`,
    [requests.map((r) => r.dagId), requests.map((r) => r.runId), requests.map((r) => r.taskId), requests.map((r) => r.index)],
  );
}
