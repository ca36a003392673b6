// The grid view's data: the latest runs of a DAG and, per run × task, how many task instances are in each state,
// read in one set-based query. Mapped tasks come back as one cell with per-state counts and their map indexes.
import type { SqlClient } from './database';

export interface GridRun {
  run_id: string;
  run_type: string;
  state: string;
  logical_date: Date;
  start_date: Date | null;
  end_date: Date | null;
}

export interface GridCell {
  task_id: string;
  /** True when its instances have map_index ≥ 0 (an unexpanded or skipped mapped task still has only -1). */
  mapped: boolean;
  /** The one state the cell is coloured with (for a mapped task, the most urgent of its instances' states). */
  state: string;
  /** Instances per state, and their map indexes (empty for an unmapped task). */
  counts: Array<{ state: string; n: number; map_indexes: number[] }>;
  total: number;
}

export interface GridData {
  /** Oldest first, as Airflow's grid reads left to right. */
  runs: GridRun[];
  /** run_id → task_id → cell. A task without a cell in a run has no task instance there (state none). */
  cells: Map<string, Map<string, GridCell>>;
}

/**
 * Which state a group of instances shows, most urgent first (Airflow's grid picks the same way): a failure hides
 * successes, work in progress hides what is done.
 */
const STATE_PRIORITY = [
  'failed',
  'upstream_failed',
  'up_for_retry',
  'up_for_reschedule',
  'running',
  'restarting',
  'deferred',
  'queued',
  'scheduled',
  'none',
  'removed',
  'skipped',
  'success',
] as const;

export function summaryState(states: Iterable<string>): string {
  const present = new Set(states);
  for (const s of STATE_PRIORITY) if (present.has(s)) return s;
  return present.values().next().value ?? 'none';
}

interface CellRow {
  run_id: string;
  task_id: string;
  state: string;
  n: number;
  mapped: boolean;
  map_indexes: number[];
}

interface RunWithCells extends GridRun {
  cells: CellRow[];
}

export async function loadGrid(sql: SqlClient, dagId: string, runLimit = 25): Promise<GridData> {
  const rows = await sql.query<RunWithCells>(
    `WITH r AS (
       SELECT run_id, run_type, state, logical_date, start_date, end_date, id FROM dag_run
       WHERE dag_id = $1 ORDER BY logical_date DESC, id DESC LIMIT $2
     ), c AS (
       SELECT ti.run_id, ti.task_id, ti.state, count(*)::int AS n, bool_or(ti.map_index >= 0) AS mapped,
         array_agg(ti.map_index ORDER BY ti.map_index) FILTER (WHERE ti.map_index >= 0) AS map_indexes
       FROM task_instance ti JOIN r ON r.run_id = ti.run_id
       WHERE ti.dag_id = $1
       GROUP BY ti.run_id, ti.task_id, ti.state
     )
     SELECT r.run_id, r.run_type, r.state, r.logical_date, r.start_date, r.end_date,
       coalesce((SELECT jsonb_agg(jsonb_build_object('task_id', c.task_id, 'state', c.state, 'n', c.n,
                   'mapped', c.mapped, 'map_indexes', coalesce(to_jsonb(c.map_indexes), '[]'::jsonb)))
                 FROM c WHERE c.run_id = r.run_id), '[]'::jsonb) AS cells
     FROM r ORDER BY r.logical_date, r.id`,
    [dagId, runLimit],
  );
  const cells = new Map<string, Map<string, GridCell>>();
  for (const row of rows) cells.set(row.run_id, foldCells(row.cells));
  return { runs: rows.map(({ cells: _, ...run }) => ({ ...run, logical_date: new Date(run.logical_date), start_date: toDate(run.start_date), end_date: toDate(run.end_date) })), cells };
}

function toDate(d: Date | null): Date | null {
  return d === null ? null : new Date(d);
}

/** Groups (task, state, n) rows of one run into one cell per task. */
export function foldCells(rows: Array<Omit<CellRow, 'run_id'>>): Map<string, GridCell> {
  const byTask = new Map<string, GridCell>();
  for (const r of rows) {
    const cell = byTask.get(r.task_id) ?? { task_id: r.task_id, mapped: false, state: 'none', counts: [], total: 0 };
    cell.mapped ||= r.mapped;
    cell.counts.push({ state: r.state, n: r.n, map_indexes: r.map_indexes });
    cell.total += r.n;
    byTask.set(r.task_id, cell);
  }
  for (const cell of byTask.values()) {
    cell.state = summaryState(cell.counts.map((c) => c.state));
    cell.counts.sort((a, b) => STATE_PRIORITY.indexOf(a.state as never) - STATE_PRIORITY.indexOf(b.state as never));
  }
  return byTask;
}
