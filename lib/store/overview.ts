// The numbers the home page shows about the engine: DAGs, import errors, runs by state.
import type { SqlClient } from './database';

export interface Overview {
  dags: number;
  pausedDags: number;
  importErrors: number;
  runs: Record<'queued' | 'running' | 'success' | 'failed', number>;
}

export async function getOverview(sql: SqlClient): Promise<Overview> {
  const [counts] = await sql.query<{ dags: number; paused: number; errors: number }>(
    `SELECT (SELECT count(*) FROM dag WHERE is_active)::int AS dags,
            (SELECT count(*) FROM dag WHERE is_active AND is_paused)::int AS paused,
            (SELECT count(*) FROM import_error)::int AS errors`,
  );
  const runs = { queued: 0, running: 0, success: 0, failed: 0 };
  for (const r of await sql.query<{ state: keyof typeof runs; n: number }>(
    `SELECT state, count(*)::int AS n FROM dag_run GROUP BY state`,
  )) runs[r.state] = r.n;
  return { dags: counts?.dags ?? 0, pausedDags: counts?.paused ?? 0, importErrors: counts?.errors ?? 0, runs };
}

/** Whether an LLM provider is configured: connection `llm_default`, or the OpenAI environment variables. */
export async function llmConfigured(sql: SqlClient, env: { baseUrl: string | null; apiKey: string | null }): Promise<boolean> {
  if (env.baseUrl || env.apiKey) return true;
  const rows = await sql.query(`SELECT 1 FROM connection WHERE conn_id = 'llm_default'`);
  return rows.length > 0;
}
