// The `variable` table (Airflow's variables): plain key/value rows with a description, read and written with
// SQL. Rows are validated on the way out so a hand-edited table cannot hand the API a malformed value.
import { z } from 'zod';
import { orderClause, pagedQuery, type Ordering, type Page, type PageOf } from './api-paging';
import type { SqlClient } from './database';
import { envVariable } from '../engine/env-variables';

/** Airflow's ID_LEN for variable keys. */
export const VARIABLE_KEY_MAX_LENGTH = 250;

export const variableRowSchema = z.object({
  key: z.string(),
  value: z.string(),
  description: z.string().nullable(),
});
export type VariableRow = z.infer<typeof variableRowSchema>;

const SELECT = `SELECT key, val AS value, description FROM variable`;

const ORDERING: Ordering = {
  columns: { key: 'key', description: 'description' },
  default: 'key',
  tiebreak: ['key'],
};

export async function listVariables(sql: SqlClient, page: Page, orderBy?: string): Promise<PageOf<VariableRow>> {
  const result = await pagedQuery<VariableRow>(sql, SELECT, [], orderClause(orderBy, ORDERING), page);
  return { rows: result.rows.map((r) => variableRowSchema.parse(r)), total: result.total };
}

export async function findVariable(sql: SqlClient, key: string): Promise<VariableRow | null> {
  const [row] = await sql.query(`${SELECT} WHERE key = $1`, [key]);
  return row ? variableRowSchema.parse(row) : null;
}

/** False when a variable with this key exists. */
export async function insertVariable(sql: SqlClient, v: VariableRow): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO variable (key, val, description, is_encrypted) VALUES ($1, $2, $3, false)
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    [v.key, v.value, v.description],
  );
  return rows.length > 0;
}

/** False when there is no such variable. Absent fields keep their value. */
export async function updateVariable(sql: SqlClient, key: string, c: { value?: string; description?: string | null }): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE variable SET
       val = CASE WHEN $2 THEN $3::text ELSE val END,
       description = CASE WHEN $4 THEN $5::text ELSE description END
     WHERE key = $1 RETURNING key`,
    [key, c.value !== undefined, c.value ?? null, c.description !== undefined, c.description ?? null],
  );
  return rows.length > 0;
}

/** False when there is no such variable. */
export async function deleteVariable(sql: SqlClient, key: string): Promise<boolean> {
  const rows = await sql.query(`DELETE FROM variable WHERE key = $1 RETURNING key`, [key]);
  return rows.length > 0;
}

/** How task code reads a variable (`ctx.services.variables.get`). */
export interface VariableSource {
  get(key: string): Promise<string | null>;
}

/**
 * FLASHFLOW_VAR_<KEY> first (the key upper-cased, as Airflow reads AIRFLOW_VAR_<KEY>), then the table: a deployment
 * can pin a value without touching the database. `env` is the process environment, passed in from the edge.
 */
export function variableSource(sql: SqlClient, env: Record<string, string | undefined> = {}): VariableSource {
  return {
    async get(key) {
      const pinned = envVariable(env, key);
      if (pinned !== undefined) return pinned;
      return (await findVariable(sql, key))?.value ?? null;
    },
  };
}

