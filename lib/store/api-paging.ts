// Paging for the REST API's list endpoints: one query returns the page and the total (count(*) OVER (), computed
// before LIMIT), and `order_by` is checked against the fields an endpoint allows, so it never reaches SQL raw.
import { InvalidInputError } from '../kernel/errors';
import type { SqlClient } from './database';

export interface Page {
  limit: number;
  offset: number;
}

export interface PageOf<T> {
  rows: T[];
  total: number;
}

export interface Ordering {
  /** API field name → column of the paged query (a trusted SQL identifier). */
  columns: Record<string, string>;
  /** The API field used when order_by is absent. */
  default: string;
  /** Columns that make the order total, so pages never overlap. */
  tiebreak: string[];
}

/** `ORDER BY` for Airflow's `order_by` (`field` or `-field`); an unknown field is a 400 naming the allowed ones. */
export function orderClause(orderBy: string | undefined, ordering: Ordering): string {
  const spec = orderBy?.trim() || ordering.default;
  const desc = spec.startsWith('-');
  const field = desc ? spec.slice(1) : spec;
  const column = Object.hasOwn(ordering.columns, field) ? ordering.columns[field] : undefined;
  if (!column) {
    throw new InvalidInputError(`Ordering with '${field}' is disallowed or the attribute does not exist on the model`, [
      { path: 'order_by', message: `use one of ${Object.keys(ordering.columns).join(', ')} (prefix with - for descending)` },
    ]);
  }
  const dir = desc ? 'DESC' : 'ASC';
  return [`${column} ${dir}`, ...ordering.tiebreak.filter((c) => c !== column).map((c) => `${c} ${dir}`)].join(', ');
}

/**
 * One page of `select` (a query whose parameters are `params`), ordered by `order`. An empty page (offset past
 * the end, or limit 0) counts separately, since there is no row to carry the window count.
 */
export async function pagedQuery<T extends object>(
  sql: SqlClient,
  select: string,
  params: unknown[],
  order: string,
  page: Page,
): Promise<PageOf<T>> {
  const n = params.length;
  const rows = await sql.query<T & { total_entries__: number }>(
    `SELECT q.*, count(*) OVER () AS total_entries__ FROM (${select}) q ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, page.limit, page.offset],
  );
  if (rows.length > 0) {
    const total = Number(rows[0]!.total_entries__);
    return { rows: rows.map(({ total_entries__: _, ...row }) => row as unknown as T), total };
  }
  const [count] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${select}) q`, params);
  return { rows: [], total: count?.n ?? 0 };
}
