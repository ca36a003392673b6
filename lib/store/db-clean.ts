// `flashflow db clean` (Airflow's `airflow db clean`) and the scheduler's optional retention (ADR 0032): delete
// what is older than a bound from the tables that only grow: finished runs (their task instances, task logs and
// XComs go with them), and task logs, XComs, try history, event log, LLM attempts and finished callbacks of their
// own age. Never a run or try still in progress, never the latest run of a DAG (the schedule continues from it),
// never decks, cards or reviews (the user's data: a card of a deleted run only loses its link to it).
// Rows go in batches, each its own short transaction, so a big first clean never holds a long lock.
import { z } from 'zod';
import { parseDuration } from '../engine/duration';
import { InvalidInputError } from '../kernel/errors';
import type { SqlClient } from './database';

/** Run and try states whose rows may go; every other state is work in progress. */
const DONE_RUN = `('success', 'failed')`;
const LIVE_TRY = `('queued', 'running', 'scheduled', 'up_for_retry', 'up_for_reschedule', 'restarting', 'deferred')`;

interface CleanTable {
  /** What the table holds, for the printed counts. */
  what: string;
  /** Rows older than $1 that may go; `t` is the table. */
  where: string;
}

/** In the order they are cleaned: runs first, their cascades empty much of the rest. */
export const CLEAN_TABLES = {
  dag_run: {
    what: 'finished DAG runs (with their task instances, task logs and XComs)',
    where: `t.state IN ${DONE_RUN} AND coalesce(t.end_date, t.start_date, t.queued_at, t.logical_date) < $1
      AND t.id <> (SELECT l.id FROM dag_run l WHERE l.dag_id = t.dag_id ORDER BY l.logical_date DESC, l.id DESC LIMIT 1)`,
  },
  task_log: {
    what: 'task log lines',
    where: `t.at < $1 AND NOT EXISTS (SELECT 1 FROM task_instance ti WHERE ti.id = t.ti_id AND ti.try_number = t.try_number AND ti.state IN ${LIVE_TRY})`,
  },
  xcom: {
    what: 'XComs of finished runs',
    where: `t.timestamp < $1 AND EXISTS (SELECT 1 FROM dag_run r WHERE r.dag_id = t.dag_id AND r.run_id = t.run_id AND r.state IN ${DONE_RUN})`,
  },
  task_instance_history: { what: 'task try history', where: `t.recorded_at < $1` },
  log: { what: 'event log entries', where: `t.dttm < $1` },
  llm_attempt: { what: 'LLM attempts', where: `t.created_at < $1` },
  callback_request: { what: 'finished callback requests', where: `t.created_at < $1 AND t.state <> 'running'` },
} as const satisfies Record<string, CleanTable>;

export type CleanTableName = keyof typeof CLEAN_TABLES;
export const CLEAN_TABLE_NAMES = Object.keys(CLEAN_TABLES) as CleanTableName[];

export const DbCleanArgs = z.object({
  older_than: z.string().min(1),
  tables: z.array(z.enum(CLEAN_TABLE_NAMES as [CleanTableName, ...CleanTableName[]])).min(1).optional(),
  dry_run: z.boolean().default(false),
  batch_size: z.number().int().min(1).max(100_000).default(5_000),
});

export interface DbCleanResult {
  before: string;
  dry_run: boolean;
  /**
   * Rows deleted per table, in cleaning order; a run's task instances, logs and XComs count under dag_run. A dry
   * run counts each table on its own (nothing is deleted in between), so those rows show under their tables too.
   */
  tables: Array<{ table: CleanTableName; what: string; rows: number }>;
}

/**
 * The bound `--older-than` names: an ISO date or date-time (`2026-01-31`, `2026-01-31T12:00:00Z`), or an age
 * counted back from now (`30d`, `12h`, Airflow-style durations of lib/engine/duration.ts, or weeks as `2w`).
 */
export function parseOlderThan(input: string, now: Date): Date {
  const text = input.trim();
  const weeks = /^(\d+)\s*w$/.exec(text);
  if (weeks) return new Date(now.getTime() - Number(weeks[1]) * 7 * 86_400_000);
  if (/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(text)) return new Date(now.getTime() - parseDuration(text));
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const at = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(at.getTime())) {
      if (at > now) throw new InvalidInputError(`--older-than ${input} is in the future: that would delete everything finished`);
      return at;
    }
  }
  throw new InvalidInputError(
    `--older-than '${input}' is neither a date (2026-01-31, 2026-01-31T12:00:00Z) nor an age (30d, 12h, 2w)`,
    [{ path: 'older_than', message: 'expected an ISO date or an age such as 30d' }],
  );
}

export async function cleanDatabase(
  sql: SqlClient,
  opts: { before: Date; tables?: CleanTableName[]; dryRun?: boolean; batchSize?: number },
): Promise<DbCleanResult> {
  const chosen = CLEAN_TABLE_NAMES.filter((t) => !opts.tables || opts.tables.includes(t));
  const batch = opts.batchSize ?? 5_000;
  const tables: DbCleanResult['tables'] = [];
  for (const table of chosen) {
    const { what, where } = CLEAN_TABLES[table];
    let rows = 0;
    if (opts.dryRun) {
      const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} t WHERE ${where}`, [opts.before]);
      rows = row?.n ?? 0;
    } else {
      for (;;) {
        const deleted = await sql.transaction((tx) =>
          tx.query<{ n: number }>(
            `WITH gone AS (DELETE FROM ${table} WHERE ctid IN (SELECT t.ctid FROM ${table} t WHERE ${where} LIMIT $2) RETURNING 1)
             SELECT count(*)::int AS n FROM gone`,
            [opts.before, batch],
          ),
        );
        const n = deleted[0]?.n ?? 0;
        rows += n;
        if (n < batch) break;
      }
    }
    tables.push({ table, what, rows });
  }
  return { before: opts.before.toISOString(), dry_run: opts.dryRun ?? false, tables };
}
