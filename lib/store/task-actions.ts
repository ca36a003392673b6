// What a person does to task instances (UI, API, CLI): clear them so they run again, or mark them
// success / failed. Like the scheduler's own transitions, each is one guarded statement of a manual move of the
// transition table that appends a history row per change; the run is put back to queued so the scheduler plans it
// again and derives its state anew.
import { descendants } from '../engine/plan-steering';
import type { SerializedDag } from '../engine/dag-model';
import { InvalidInputError, NotFoundError } from '../kernel/errors';
import { DAG_RUN_MOVES, FAILED_STATES, MANUAL_MOVES } from '../engine/task-states';
import type { SqlClient } from './database';
import { sqlState, sqlStates } from './sql-states';
import { recordHistoryOf } from './task-instance-history';

const { clear, mark } = MANUAL_MOVES;
const { reopen } = DAG_RUN_MOVES;

/** The changed rows' keys, and a history row for each state change (prev: the row before this statement). */
const CHANGED_WITH_HISTORY = `
       RETURNING ti.*, prev.state AS from_state
     ), hist AS (
       ${recordHistoryOf('manual')}
     )
     SELECT dag_id, run_id, task_id, map_index, state FROM upd`;

export interface TaskSelection {
  dagId: string;
  /** One run, or every run of the DAG when null. */
  runId: string | null;
  taskIds: string[];
  /** Only these map indexes of mapped tasks (e.g. one failed word); all when omitted. */
  mapIndexes?: number[];
  includeDownstream?: boolean;
  includeUpstream?: boolean;
  onlyFailed?: boolean;
}

export interface ChangedTi {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  state: string;
}

/** Queued or running tries are left alone (the manual rule, task-states.ts): their end makes them clearable. */
export async function clearTaskInstances(sql: SqlClient, sel: TaskSelection, now: Date): Promise<ChangedTi[]> {
  const { dag, taskIds } = await expandSelection(sql, sel);
  return sql.transaction(async (tx) => {
    const rows = await tx.query<ChangedTi>(
      `WITH upd AS (
       UPDATE task_instance ti
       SET state = ${sqlState(clear.to[0])}, max_tries = ti.try_number + t.retries, next_retry_at = NULL, end_date = NULL,
           start_date = NULL, duration = NULL, first_poke_at = NULL, updated_at = $5, version = ti.version + 1
       FROM unnest($3::text[], $4::int[]) AS t(task_id, retries), task_instance prev
       WHERE ti.dag_id = $1 AND ($2::text IS NULL OR ti.run_id = $2) AND ti.task_id = t.task_id
         AND ($6::int[] IS NULL OR ti.map_index = ANY($6::int[]) OR ti.task_id <> ALL($7::text[]))
         AND prev.id = ti.id AND ti.state = prev.state AND prev.state IN ${sqlStates(clear.from)}
         AND (NOT $8 OR prev.state IN ${sqlStates(FAILED_STATES)})
       ${CHANGED_WITH_HISTORY}`,
      [sel.dagId, sel.runId, taskIds, taskIds.map((id) => dag.tasks.find((t) => t.task_id === id)!.retries), now,
        sel.mapIndexes ?? null, sel.taskIds, sel.onlyFailed ?? false],
    );
    await reopenRuns(tx, rows, now);
    return rows;
  });
}

export async function markTaskInstances(
  sql: SqlClient,
  sel: TaskSelection,
  state: (typeof mark.to)[number],
  now: Date,
): Promise<ChangedTi[]> {
  const { taskIds } = await expandSelection(sql, sel);
  return sql.transaction(async (tx) => {
    const rows = await tx.query<ChangedTi>(
      `WITH upd AS (
       UPDATE task_instance ti
       SET state = $4, end_date = $5, next_retry_at = NULL, first_poke_at = NULL, updated_at = $5, version = ti.version + 1
       FROM task_instance prev
       WHERE ti.dag_id = $1 AND ($2::text IS NULL OR ti.run_id = $2) AND ti.task_id = ANY($3::text[])
         AND ($6::int[] IS NULL OR ti.map_index = ANY($6::int[]) OR ti.task_id <> ALL($7::text[]))
         AND prev.id = ti.id AND ti.state = prev.state AND prev.state IN ${sqlStates(mark.from)} AND prev.state <> $4
         AND $4 IN ${sqlStates(mark.to)}
       ${CHANGED_WITH_HISTORY}`,
      [sel.dagId, sel.runId, taskIds, state, now, sel.mapIndexes ?? null, sel.taskIds],
    );
    await reopenRuns(tx, rows, now);
    return rows;
  });
}

async function expandSelection(sql: SqlClient, sel: TaskSelection): Promise<{ dag: SerializedDag; taskIds: string[] }> {
  const [row] = await sql.query<{ serialized: SerializedDag }>(`SELECT serialized FROM dag WHERE dag_id = $1`, [sel.dagId]);
  if (!row) throw new NotFoundError(`DAG '${sel.dagId}' not found`);
  const dag = row.serialized;
  const known = new Set(dag.tasks.map((t) => t.task_id));
  const unknown = sel.taskIds.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new InvalidInputError(`DAG '${sel.dagId}' has no task ${unknown.map((u) => `'${u}'`).join(', ')}`, [{ path: 'task_ids', message: `unknown: ${unknown.join(', ')}` }]);
  }
  const ids = new Set(sel.taskIds);
  for (const id of sel.taskIds) {
    if (sel.includeDownstream) for (const d of descendants(dag, id)) ids.add(d);
    if (sel.includeUpstream) for (const u of ancestors(dag, id)) ids.add(u);
  }
  return { dag, taskIds: [...ids] };
}

function ancestors(dag: SerializedDag, taskId: string): Set<string> {
  const byId = new Map(dag.tasks.map((t) => [t.task_id, t]));
  const seen = new Set<string>();
  const stack = [...(byId.get(taskId)?.upstream ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (!seen.has(id)) {
      seen.add(id);
      stack.push(...(byId.get(id)?.upstream ?? []));
    }
  }
  return seen;
}

/** Finished runs whose tasks changed go back to queued, so the scheduler starts and plans them again. */
async function reopenRuns(tx: SqlClient, rows: ChangedTi[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE dag_run r SET state = ${sqlState(reopen.to[0])}, end_date = NULL, failure_reason = NULL, queued_at = $3, version = r.version + 1
     FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS k(dag_id, run_id)) k
     WHERE r.dag_id = k.dag_id AND r.run_id = k.run_id AND r.state IN ${sqlStates(reopen.from)}`,
    [rows.map((r) => r.dag_id), rows.map((r) => r.run_id), now],
  );
}
