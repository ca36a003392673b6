// The `plugin_connection_type` table: the connection types plugin files define, as the DAG processor last parsed
// them (ADR 0025). The server reads it for the connections form and the CLI; it never imports a plugin itself.
import { connectionTypeSpecSchema, type ConnectionTypeSpec } from '../connections/connection-types';
import type { SqlClient } from './database';

export interface StoredPluginConnectionType {
  file: string;
  spec: ConnectionTypeSpec;
}

/**
 * Replaces the table with what a parse pass found. A plugin file that is broken this pass keeps its types (as a broken
 * DAG file keeps its DAGs); a removed or fixed file's old types go.
 */
export async function replacePluginConnectionTypes(sql: SqlClient, types: readonly StoredPluginConnectionType[], brokenFiles: readonly string[], now: Date): Promise<void> {
  await sql.query(`DELETE FROM plugin_connection_type WHERE NOT (plugin_file = ANY($1::text[]))`, [[...brokenFiles]]);
  for (const t of types) {
    await sql.query(
      `INSERT INTO plugin_connection_type (conn_type, spec, plugin_file, updated_at) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (conn_type) DO UPDATE SET spec = EXCLUDED.spec, plugin_file = EXCLUDED.plugin_file, updated_at = EXCLUDED.updated_at`,
      [t.spec.conn_type, JSON.stringify(t.spec), t.file, now],
    );
  }
}

/** The stored types, checked again at this boundary; a row that no longer fits the schema is skipped, not fatal. */
export async function listPluginConnectionTypes(sql: SqlClient): Promise<ConnectionTypeSpec[]> {
  const rows = await sql.query<{ spec: unknown }>(`SELECT spec FROM plugin_connection_type ORDER BY conn_type`);
  return rows.flatMap((r) => {
    const parsed = connectionTypeSpecSchema.safeParse(r.spec);
    return parsed.success ? [parsed.data] : [];
  });
}
