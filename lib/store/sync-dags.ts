// Writes what the DAG processor parsed: one row per DAG with its serialized form and version hash, and
// one import error per broken file. A broken file's DAGs stay listed with their last good version (their
// new tries fail with DagImportError until the file is fixed, as in Airflow); DAGs whose file is gone (or
// no longer defines them) become inactive. The connection types plugins define are replaced in the same transaction.
import { dagVersionHash } from '../engine/compile-dag';
import type { SerializedDag } from '../engine/dag-model';
import type { SqlClient } from './database';
import { replacePluginConnectionTypes, type StoredPluginConnectionType } from './plugin-connection-types';

export interface SyncInput {
  dags: SerializedDag[];
  errors: Array<{ filename: string; message: string }>;
  files: string[];
  /** What the plugin files define; absent when the pass loaded no plugins (the stored types are then left alone). */
  pluginConnectionTypes?: StoredPluginConnectionType[];
}

export interface SyncSummary {
  added: string[];
  updated: string[];
  deactivated: string[];
  importErrors: number;
}

export async function syncDags(sql: SqlClient, input: SyncInput, now: Date): Promise<SyncSummary> {
  return sql.transaction(async (tx) => {
    const before = new Map(
      (await tx.query<{ dag_id: string; version_hash: string; fileloc: string; is_active: boolean }>(
        `SELECT dag_id, version_hash, fileloc, is_active FROM dag`,
      )).map((r) => [r.dag_id, r]),
    );
    const summary: SyncSummary = { added: [], updated: [], deactivated: [], importErrors: input.errors.length };
    for (const dag of input.dags) {
      const hash = dagVersionHash(dag);
      const old = before.get(dag.dag_id);
      if (old && old.version_hash === hash && old.is_active) continue;
      (old ? summary.updated : summary.added).push(dag.dag_id);
      await tx.query(
        `INSERT INTO dag (dag_id, fileloc, serialized, version_hash, is_paused, is_active, schedule, description, tags,
           owners, max_active_runs, max_active_tasks, last_parsed_time, created_at, updated_at)
         VALUES ($1, $2, $3::jsonb, $4, $5, true, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $12, $12)
         ON CONFLICT (dag_id) DO UPDATE SET
           fileloc = EXCLUDED.fileloc, serialized = EXCLUDED.serialized, version_hash = EXCLUDED.version_hash,
           is_active = true, description = EXCLUDED.description, tags = EXCLUDED.tags, owners = EXCLUDED.owners,
           max_active_runs = EXCLUDED.max_active_runs, max_active_tasks = EXCLUDED.max_active_tasks,
           last_parsed_time = EXCLUDED.last_parsed_time, updated_at = EXCLUDED.updated_at,
           schedule = EXCLUDED.schedule,
           next_dagrun = CASE WHEN dag.schedule IS DISTINCT FROM EXCLUDED.schedule THEN NULL ELSE dag.next_dagrun END,
           next_dagrun_data_interval_start = CASE WHEN dag.schedule IS DISTINCT FROM EXCLUDED.schedule THEN NULL ELSE dag.next_dagrun_data_interval_start END,
           next_dagrun_data_interval_end = CASE WHEN dag.schedule IS DISTINCT FROM EXCLUDED.schedule THEN NULL ELSE dag.next_dagrun_data_interval_end END,
           next_dagrun_create_after = CASE WHEN dag.schedule IS DISTINCT FROM EXCLUDED.schedule THEN NULL ELSE dag.next_dagrun_create_after END`,
        [dag.dag_id, dag.fileloc, JSON.stringify(dag), hash, dag.is_paused_upon_creation, dag.schedule, dag.description,
          JSON.stringify(dag.tags), JSON.stringify(dag.owners), dag.max_active_runs, dag.max_active_tasks, now],
      );
    }
    const present = new Set(input.dags.map((d) => d.dag_id));
    const brokenFiles = new Set(input.errors.map((e) => e.filename));
    for (const [dagId, old] of before) {
      if (!old.is_active || present.has(dagId) || brokenFiles.has(old.fileloc)) continue;
      summary.deactivated.push(dagId);
    }
    if (summary.deactivated.length) {
      await tx.query(`UPDATE dag SET is_active = false, updated_at = $2 WHERE dag_id = ANY($1::text[])`, [summary.deactivated, now]);
    }
    await tx.query(`DELETE FROM import_error WHERE NOT (filename = ANY($1::text[]))`, [[...brokenFiles]]);
    for (const e of input.errors) await recordImportError(tx, e.filename, e.message, now);
    if (input.pluginConnectionTypes) await replacePluginConnectionTypes(tx, input.pluginConnectionTypes, [...brokenFiles], now);
    return summary;
  });
}

export async function recordImportError(sql: SqlClient, filename: string, message: string, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO import_error (filename, stacktrace, timestamp) VALUES ($1, $2, $3)
     ON CONFLICT (filename) DO UPDATE SET stacktrace = EXCLUDED.stacktrace, timestamp = EXCLUDED.timestamp`,
    [filename, message, now],
  );
}
