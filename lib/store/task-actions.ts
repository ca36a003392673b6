// What a person does to task instances (UI, API, CLI): clear them so they run again, or mark them
// success / failed. Like the scheduler's own transitions, each is one guarded statement; the run is put
// back to queued so the scheduler plans it again and derives its state anew.
import { descendants } from '../engine/plan-steering';
import type { SerializedDag } from '../engine/dag-model';
import { InvalidInputError, NotFoundError } from '../engine/errors';
import type { SqlClient } from './database';

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

/** Running or queued tries are not cleared here: the caller kills them first (their end makes them clearable). */
export async function clearTaskInstances(sql: SqlClient, sel: TaskSelection, now: Date): Promise<ChangedTi[]> {
  const { dag, taskIds } = await expandSelection(sql, sel);
  return sql.transaction(async (tx) => {
    const rows = await tx.query<ChangedTi>(
      `UPDATE task_instance ti
       SET state = 'none', max_tries = ti.try_number + t.retries, next_retry_at = NULL, end_date = NULL,
           start_date = NULL, duration = NULL, updated_at = $5, version = ti.version + 1
       FROM unnest($3::text[], $4::int[]) AS t(task_id, retries)
       WHERE ti.dag_id = $1 AND ($2::text IS NULL OR ti.run_id = $2) AND ti.task_id = t.task_id
         AND ($6::int[] IS NULL OR ti.map_index = ANY($6::int[]) OR ti.task_id <> ALL($7::text[]))
         AND ti.state NOT IN ('running', 'queued')
         AND (NOT $8 OR ti.state IN ('failed', 'upstream_failed'))
       RETURNING ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.state`,
      [sel.dagId, sel.runId, taskIds, taskIds.map((id) => dag.tasks.find((t) => t.task_id === id)!.retries), now,
        sel.mapIndexes ?? null, sel.taskIds, sel.onlyFailed ?? false],
    );
    await reopenRuns(tx, rows, now);
    return rows;
  });
}

export async function markTaskInstances(sql: SqlClient, sel: TaskSelection, state: 'success' | 'failed', now: Date): Promise<ChangedTi[]> {
  const { taskIds } = await expandSelection(sql, sel);
  return sql.transaction(async (tx) => {
    const rows = await tx.query<ChangedTi>(
      `UPDATE task_instance ti
       SET state = $4, end_date = $5, next_retry_at = NULL, updated_at = $5, version = ti.version + 1
       WHERE ti.dag_id = $1 AND ($2::text IS NULL OR ti.run_id = $2) AND ti.task_id = ANY($3::text[])
         AND ($6::int[] IS NULL OR ti.map_index = ANY($6::int[]) OR ti.task_id <> ALL($7::text[]))
         AND ti.state <> $4 AND ti.state NOT IN ('running', 'queued')
       RETURNING ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.state`,
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
    `UPDATE dag_run r SET state = 'queued', end_date = NULL, failure_reason = NULL, queued_at = $3, version = r.version + 1
     FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS k(dag_id, run_id)) k
     WHERE r.dag_id = k.dag_id AND r.run_id = k.run_id AND r.state IN ('success', 'failed')`,
    [rows.map((r) => r.dag_id), rows.map((r) => r.run_id), now],
  );
}
