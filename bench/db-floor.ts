// The database floor of the scheduler benchmark: the same transitions as `runs` DAG runs × `tasks` linear tasks, on the
// engine's own schema (a migrated, file-backed PGlite, its indexes and foreign keys included), written in as few
// statements as SQL allows. The runs and their task instances are created by two INSERT … SELECT statements; then
// each tick moves at most `slots` tries (the executor's slots) with one statement per kind of transition over the
// tick's rows: queue (try number + 1), start, end (with its history row and XCom, like the engine), schedule the
// next tasks, end the runs whose last task ended. Nothing is planned or read back: the floor knows every id.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../lib/store/migrate';
import { openPglite } from '../lib/store/open-pglite';
import type { SqlClient } from '../lib/store/database';

export interface Workload {
  runs: number;
  tasks: number;
}

interface FloorShape extends Workload {
  slots: number;
}

export interface FloorResult {
  /** The fastest of the repetitions, in seconds. */
  s: number;
  statements: number;
  ticks: number;
}

const DAG_ID = 'bench_floor';

/**
 * The floor for each executor slot count, on one database. Each is repeated (new runs each time) and the fastest kept:
 * a floor, not a typical time.
 */
export async function measureBatchedFloor(workload: Workload, slotCounts: number[], repetitions = 3): Promise<Map<number, FloorResult>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-floor-'));
  const db = await openPglite({ dataDir: path.join(dir, 'db') });
  try {
    await migrate(db.sql);
    await db.sql.query(
      `INSERT INTO dag (dag_id, fileloc, serialized, version_hash, max_active_runs, max_active_tasks)
       VALUES ($1, 'bench_floor.ts', '{}', '0', $2, $2)`,
      [DAG_ID, workload.runs * workload.tasks],
    );
    const floors = new Map<number, FloorResult>();
    for (const slots of slotCounts) {
      for (let rep = 0; rep < repetitions; rep++) {
        const r = await runOnce(db.sql, { ...workload, slots }, `floor${slots}_${rep}`);
        if (!floors.has(slots) || r.s < floors.get(slots)!.s) floors.set(slots, r);
      }
    }
    return floors;
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface Chain {
  runId: string;
  /** Task instance ids in chain order. */
  tis: string[];
  /** Index of the chain's scheduled task, or `tis.length` once it ended. */
  next: number;
}

async function runOnce(sql: SqlClient, shape: FloorShape, prefix: string): Promise<FloorResult> {
  let statements = 0;
  const q = <T = unknown>(text: string, params: unknown[]) => {
    statements++;
    return sql.query<T>(text, params);
  };
  const taskIds = Array.from({ length: shape.tasks }, (_, i) => `t${i}`);
  const runIds = Array.from({ length: shape.runs }, (_, i) => `${prefix}_${i}`);
  const started = performance.now();

  await q(
    `INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end,
       queued_at, external_trigger, created_at)
     SELECT $1, u.run_id, 'manual', 'queued', d, d, d, $3, true, $3
     FROM unnest($2::text[]) WITH ORDINALITY AS u(run_id, i), LATERAL (SELECT $3::timestamptz + u.i * interval '1 ms' AS d) l`,
    [DAG_ID, runIds, new Date()],
  );
  const rows = await q<{ id: string; runId: string; taskId: string }>(
    `INSERT INTO task_instance (dag_id, run_id, task_id, state, updated_at)
     SELECT $1, r, t, 'none', $4 FROM unnest($2::text[]) AS r, unnest($3::text[]) AS t
     RETURNING id, run_id AS "runId", task_id AS "taskId"`,
    [DAG_ID, runIds, taskIds, new Date()],
  );
  const chains = new Map<string, Chain>(runIds.map((runId) => [runId, { runId, tis: new Array<string>(shape.tasks), next: 0 }]));
  for (const r of rows) chains.get(r.runId)!.tis[Number(r.taskId.slice(1))] = r.id;
  await q(`UPDATE dag_run SET state = 'running', start_date = $2, version = version + 1 WHERE dag_id = $1 AND run_id = ANY($3::text[])`, [
    DAG_ID, new Date(), runIds,
  ]);
  await schedule(q, [...chains.values()].map((c) => c.tis[0]!));

  // Scheduled chains in the order the engine would serve them (oldest run first); a chain goes to the back once its
  // task ran, so every chain progresses.
  let waiting = [...chains.values()];
  let ticks = 0;
  while (waiting.length > 0) {
    ticks++;
    const batch = waiting.slice(0, shape.slots);
    waiting = waiting.slice(shape.slots);
    const ids = batch.map((c) => c.tis[c.next]!);
    await q(
      `UPDATE task_instance SET state = 'queued', try_number = try_number + 1, queued_at = $2, updated_at = $2, version = version + 1
       WHERE id = ANY($1::uuid[]) AND state = 'scheduled'`,
      [ids, new Date()],
    );
    await q(
      `UPDATE task_instance SET state = 'running', start_date = $2, heartbeat_at = $2, hostname = $3, pid = $4, updated_at = $2,
         version = version + 1
       WHERE id = ANY($1::uuid[]) AND state = 'queued'`,
      [ids, new Date(), os.hostname(), process.pid],
    );
    await q(
      `WITH upd AS (
         UPDATE task_instance SET state = 'success', end_date = $2, duration = EXTRACT(EPOCH FROM ($2 - start_date)),
           updated_at = $2, version = version + 1
         WHERE id = ANY($1::uuid[]) AND state = 'running'
         RETURNING *
       ), hist AS (
         INSERT INTO task_instance_history (ti_id, dag_id, run_id, task_id, map_index, try_number, state, from_state, cause,
           operator, pool, queued_at, start_date, end_date, duration, hostname, pid, recorded_at)
         SELECT id, dag_id, run_id, task_id, map_index, try_number, state, 'running', 'scheduler', operator, pool, queued_at,
           start_date, end_date, duration, hostname, pid, end_date FROM upd
       )
       INSERT INTO xcom (dag_id, run_id, task_id, map_index, key, value, timestamp)
       SELECT dag_id, run_id, task_id, map_index, 'return_value', 'null'::jsonb, end_date FROM upd`,
      [ids, new Date()],
    );
    for (const c of batch) c.next++;
    const going = batch.filter((c) => c.next < shape.tasks);
    const ended = batch.filter((c) => c.next === shape.tasks);
    if (going.length) await schedule(q, going.map((c) => c.tis[c.next]!));
    if (ended.length) {
      await q(
        `UPDATE dag_run SET state = 'success', end_date = $3, version = version + 1 WHERE dag_id = $1 AND run_id = ANY($2::text[])`,
        [DAG_ID, ended.map((c) => c.runId), new Date()],
      );
    }
    waiting.push(...going);
  }
  return { s: (performance.now() - started) / 1000, statements, ticks };
}

function schedule(q: (text: string, params: unknown[]) => Promise<unknown>, ids: string[]): Promise<unknown> {
  return q(
    `UPDATE task_instance SET state = 'scheduled', updated_at = $2, version = version + 1 WHERE id = ANY($1::uuid[]) AND state = 'none'`,
    [ids, new Date()],
  );
}
