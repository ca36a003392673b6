// What the SQL hooks (PostgreSQL, MySQL) hand back to a task, whatever the driver: the handler's choice of rows,
// a row limit that keeps XComs small, and values that survive JSON unchanged.
import { NonRetriableError } from '../engine/task-context';

export type SqlHandler = 'rows' | 'first' | 'none';

export interface SqlRunOptions {
  /** Placeholder values (`$1…$n` on PostgreSQL, `?` on MySQL); only with a single statement. */
  parameters?: unknown[];
  /** What to return: every row (default), the first row or null, or nothing. */
  handler?: SqlHandler;
  /** Most rows handler 'rows' may return (default DEFAULT_MAX_ROWS); more fail the task. */
  maxRows?: number;
}

/**
 * The rows become an XCom, stored in the metadata database and sent to every downstream task: ten thousand is
 * plenty for a lookup or a summary, and a query returning more is almost always one that forgot its WHERE or LIMIT.
 */
export const DEFAULT_MAX_ROWS = 10_000;

/**
 * Fails when handler 'rows' would return more than maxRows rows. Hooks call it before committing, so a list of
 * statements is rolled back: silently cutting the rows would hand downstream tasks partial data that looks whole.
 */
export function checkRowLimit(rowCount: number, options: SqlRunOptions, connId: string): void {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  if ((options.handler ?? 'rows') !== 'rows' || rowCount <= maxRows) return;
  throw new NonRetriableError(
    `SQL on connection '${connId}' returned ${rowCount} rows, more than maxRows (${maxRows}): ` +
      "add a LIMIT or a WHERE, raise maxRows, or use handler 'first' or 'none'",
  );
}

/** The XCom of a run: every row, the first row or null, or null; JSON-safe. */
export function handleRows(rows: readonly unknown[], handler: SqlHandler = 'rows'): unknown {
  if (handler === 'none') return null;
  if (handler === 'first') return rows.length > 0 ? jsonSafe(rows[0]) : null;
  return rows.map(jsonSafe);
}

/** A statement as it goes into a task log: on one line, and not a whole migration file. */
export function sqlExcerpt(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 1000 ? `${flat.slice(0, 1000)}…` : flat;
}

/** The value as it will travel and be stored as an XCom, without the surprises JSON.stringify would make. */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
