// Pools for the REST API: rows with their slot usage (one grouped pass over the task instances that hold or wait
// for a slot), and create / update / delete. Plain SQL rather than Prisma: ON CONFLICT gives the 409 and the row
// with its usage comes back in the same round trip.
import type { TaskState } from '../engine/task-states';
import type { SqlClient } from './database';
import { sqlStates } from './sql-states';
import { orderClause, pagedQuery, type Ordering, type Page, type PageOf } from './api-paging';

export interface PoolRow {
  name: string;
  slots: number;
  description: string | null;
  include_deferred: boolean;
  running_slots: number;
  queued_slots: number;
  scheduled_slots: number;
  deferred_slots: number;
}

/** The states whose slots Airflow's pool fields count, one field each. */
const SLOT_STATES = ['running', 'queued', 'scheduled', 'deferred'] as const satisfies readonly TaskState[];

const POOL_SELECT = `
  SELECT p.pool AS name, p.slots, p.description, p.include_deferred,
    coalesce(u.running, 0)::int AS running_slots, coalesce(u.queued, 0)::int AS queued_slots,
    coalesce(u.scheduled, 0)::int AS scheduled_slots, coalesce(u.deferred, 0)::int AS deferred_slots
  FROM pool p
  LEFT JOIN (
    SELECT pool,
      sum(pool_slots) FILTER (WHERE state = 'running') AS running,
      sum(pool_slots) FILTER (WHERE state = 'queued') AS queued,
      sum(pool_slots) FILTER (WHERE state = 'scheduled') AS scheduled,
      sum(pool_slots) FILTER (WHERE state = 'deferred') AS deferred
    FROM task_instance WHERE state IN ${sqlStates(SLOT_STATES)} GROUP BY pool
  ) u ON u.pool = p.pool`;

const POOL_ORDERING: Ordering = {
  columns: { name: 'name', pool: 'name', slots: 'slots', description: 'description', include_deferred: 'include_deferred' },
  default: 'name',
  tiebreak: ['name'],
};

export async function listPools(sql: SqlClient, page: Page, orderBy?: string): Promise<PageOf<PoolRow>> {
  return pagedQuery<PoolRow>(sql, POOL_SELECT, [], orderClause(orderBy, POOL_ORDERING), page);
}

export async function findPool(sql: SqlClient, name: string): Promise<PoolRow | null> {
  const [row] = await sql.query<PoolRow>(`${POOL_SELECT} WHERE p.pool = $1`, [name]);
  return row ?? null;
}

/** False when a pool of that name exists. */
export async function insertPool(
  sql: SqlClient,
  pool: { name: string; slots: number; description: string | null; includeDeferred: boolean },
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO pool (pool, slots, description, include_deferred) VALUES ($1, $2, $3, $4)
     ON CONFLICT (pool) DO NOTHING RETURNING pool`,
    [pool.name, pool.slots, pool.description, pool.includeDeferred],
  );
  return rows.length > 0;
}

export interface PoolChanges {
  slots?: number;
  description?: string | null;
  includeDeferred?: boolean;
}

/** False when there is no such pool. Absent fields keep their value. */
export async function updatePool(sql: SqlClient, name: string, c: PoolChanges): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE pool SET
       slots = CASE WHEN $2 THEN $3::int ELSE slots END,
       description = CASE WHEN $4 THEN $5::text ELSE description END,
       include_deferred = CASE WHEN $6 THEN $7::boolean ELSE include_deferred END
     WHERE pool = $1 RETURNING pool`,
    [name, c.slots !== undefined, c.slots ?? null, c.description !== undefined, c.description ?? null,
      c.includeDeferred !== undefined, c.includeDeferred ?? null],
  );
  return rows.length > 0;
}

/** False when there is no such pool. */
export async function deletePool(sql: SqlClient, name: string): Promise<boolean> {
  const rows = await sql.query(`DELETE FROM pool WHERE pool = $1 RETURNING pool`, [name]);
  return rows.length > 0;
}
