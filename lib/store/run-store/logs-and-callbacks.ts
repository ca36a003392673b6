// Append-only records the scheduler writes beside state: task log lines, callback requests, liveness.
import type { CallbackRequest, LogLine } from '../../engine/run-store-port';
import { isTruncationMarker, MARKER, TaskLogBudget } from '../../engine/task-log-cap';
import type { SqlClient } from '../database';

/** A try's budget, by task instance and try number. */
const budgetKey = (t: { tiId: string; tryNumber: number }) => `${t.tiId}:${t.tryNumber}`;

/** Budgets of the tries seen lately; an evicted one is read back from the table, so the bound costs no accuracy. */
const BUDGETS_KEPT = 5_000;

/**
 * The per-try cap where every line is stored (ADR 0032), whatever wrote it: a runner, a remote worker's batch, an
 * older worker that does not cap. Only the active scheduler appends logs, so the budgets it holds stay true.
 */
export class TaskLogCap {
  private readonly budgets = new Map<string, TaskLogBudget>();

  constructor(
    readonly maxBytes: number,
    private readonly kept = BUDGETS_KEPT,
  ) {}

  async filter(sql: SqlClient, lines: LogLine[]): Promise<LogLine[]> {
    // This batch's budgets are held here while it is filtered: keeping the map bounded may evict any of them.
    const batch = new Map<string, TaskLogBudget>();
    const unseen = new Map<string, LogLine>();
    for (const l of lines) {
      const k = budgetKey(l);
      if (batch.has(k) || unseen.has(k)) continue;
      const known = this.budgets.get(k);
      if (known) batch.set(k, known);
      else unseen.set(k, l);
    }
    if (unseen.size > 0) {
      const used = await sql.query<{ ti_id: string; try_number: number; bytes: number; cut: boolean }>(
        `SELECT l.ti_id, l.try_number, sum(octet_length(l.line) + 1)::float8 AS bytes, bool_or(l.line ~ $3) AS cut
         FROM task_log l JOIN unnest($1::uuid[], $2::int[]) AS k(ti_id, try_number) ON l.ti_id = k.ti_id AND l.try_number = k.try_number
         GROUP BY l.ti_id, l.try_number`,
        [[...unseen.values()].map((l) => l.tiId), [...unseen.values()].map((l) => l.tryNumber), MARKER.source],
      );
      const found = new Map(used.map((u) => [`${u.ti_id}:${u.try_number}`, u]));
      for (const k of unseen.keys()) {
        const u = found.get(k);
        batch.set(k, new TaskLogBudget(this.maxBytes, u?.bytes ?? 0, u?.cut ?? false));
      }
    }
    const kept: LogLine[] = [];
    for (const l of lines) {
      const line = batch.get(budgetKey(l))!.take(l.line);
      if (line === null) continue;
      kept.push(line === l.line ? l : { ...l, stream: isTruncationMarker(line) ? 'log' : l.stream, line });
    }
    for (const [k, budget] of batch) this.remember(k, budget);
    return kept;
  }

  /**
   * Tries queued for the first time under their try number (not a rescheduled sensor's next poke) have written
   * nothing yet: their budgets start empty here, so their first lines cost no query of what they wrote before.
   */
  startFresh(tries: ReadonlyArray<{ tiId: string; tryNumber: number }>): void {
    for (const t of tries) this.remember(budgetKey(t), new TaskLogBudget(this.maxBytes));
  }

  /** Least recently used first out: a try that keeps writing keeps its budget in memory. */
  private remember(key: string, budget: TaskLogBudget): void {
    this.budgets.delete(key);
    if (this.budgets.size >= this.kept) this.budgets.delete(this.budgets.keys().next().value!);
    this.budgets.set(key, budget);
  }
}

/** The lines the cap lets through (all of them without a cap): what appendLogs and the ends' statement store. */
export async function cappedLines(sql: SqlClient, raw: LogLine[], cap?: TaskLogCap): Promise<LogLine[]> {
  return cap && raw.length > 0 ? cap.filter(sql, raw) : raw;
}

export async function appendLogs(sql: SqlClient, raw: LogLine[], cap?: TaskLogCap): Promise<void> {
  const lines = await cappedLines(sql, raw, cap);
  if (lines.length === 0) return;
  await sql.query(insertLogLinesSql(1), logLineParams(lines));
}

/**
 * The INSERT of a batch of log lines, its five parameters numbered from `first`: alone (appendLogs) or within the
 * statement that ends tries (try-transitions.ts), so a batch's lines and ends cost one round trip. ORDER BY the batch
 * position: ids (the read order) must follow the order the task wrote its lines.
 */
export function insertLogLinesSql(first: number): string {
  const [ti, tryNo, stream, line, at] = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
  return `INSERT INTO task_log (ti_id, try_number, stream, line, at)
     SELECT l.ti_id, l.try_number, l.stream, l.line, l.at
     FROM unnest(${ti}::uuid[], ${tryNo}::int[], ${stream}::text[], ${line}::text[], ${at}::timestamptz[])
       WITH ORDINALITY AS l(ti_id, try_number, stream, line, at, ord)
     WHERE EXISTS (SELECT 1 FROM task_instance ti WHERE ti.id = l.ti_id)
     ORDER BY l.ord`;
}

export function logLineParams(lines: LogLine[]): unknown[] {
  return [lines.map((l) => l.tiId), lines.map((l) => l.tryNumber), lines.map((l) => l.stream), lines.map((l) => l.line), lines.map((l) => l.at)];
}

export async function createCallbackRequests(sql: SqlClient, requests: CallbackRequest[], now: Date): Promise<string[]> {
  if (requests.length === 0) return [];
  const rows = await sql.query<{ id: number; ord: number }>(
    `INSERT INTO callback_request (kind, dag_id, run_id, task_id, map_index, try_number, fileloc, state, created_at)
     SELECT c.kind, c.dag_id, c.run_id, c.task_id, c.map_index, c.try_number, c.fileloc, 'running', $8
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[])
       WITH ORDINALITY AS c(kind, dag_id, run_id, task_id, map_index, try_number, fileloc, ord)
     ORDER BY c.ord
     RETURNING id`,
    [requests.map((r) => r.kind), requests.map((r) => r.dagId), requests.map((r) => r.runId),
      requests.map((r) => r.taskId), requests.map((r) => r.mapIndex), requests.map((r) => r.tryNumber),
      requests.map((r) => r.fileloc), now],
  );
  return rows.map((r) => String(r.id));
}

export async function finishCallback(sql: SqlClient, id: string, ok: boolean, error: string | null, now: Date): Promise<void> {
  await sql.query(
    `UPDATE callback_request SET state = $2, error = $3, finished_at = $4 WHERE id = $1::int`,
    [id, ok ? 'success' : 'failed', error, now],
  );
}

export async function heartbeatJob(sql: SqlClient, jobId: number, at: Date): Promise<void> {
  await sql.query(`UPDATE job SET latest_heartbeat = $2 WHERE id = $1`, [jobId, at]);
}
