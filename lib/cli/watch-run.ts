// Follows one DAG run until it ends, reporting each task-instance state change and new log line.
import type { RunKey } from '../engine/run-store-port';
import type { SqlClient } from '../store/database';

export interface WatchedRun {
  dag_id: string;
  dag_run_id: string;
  state: string;
  failure_reason: string | null;
  tasks: Array<{ task_id: string; map_index: number; state: string; try_number: number }>;
}

export async function watchRun(sql: SqlClient, run: RunKey, progress: (line: string) => void, pollMs = 50): Promise<WatchedRun> {
  const seen = new Map<string, string>();
  let lastLogId = 0;
  for (;;) {
    const tis = await sql.query<{ id: string; task_id: string; map_index: number; state: string; try_number: number; last_error: string | null }>(
      `SELECT id, task_id, map_index, state, try_number, last_error FROM task_instance WHERE dag_id = $1 AND run_id = $2
       ORDER BY task_id, map_index`,
      [run.dagId, run.runId],
    );
    for (const ti of tis) {
      const key = `${ti.task_id}[${ti.map_index}]`;
      const label = `${ti.state}#${ti.try_number}`;
      if (seen.get(key) === label) continue;
      seen.set(key, label);
      const name = ti.map_index >= 0 ? `${ti.task_id}[${ti.map_index}]` : ti.task_id;
      // Like Airflow's `dags test`, say why a try failed: the state alone leaves the user guessing.
      const why = (ti.state === 'failed' || ti.state === 'up_for_retry') && ti.last_error ? ` — ${ti.last_error.split('\n')[0]}` : '';
      progress(`${name}: ${ti.state}${ti.try_number > 1 ? ` (try ${ti.try_number})` : ''}${why}`);
    }
    const logs = await sql.query<{ id: number; task_id: string; map_index: number; line: string }>(
      `SELECT l.id::int AS id, ti.task_id, ti.map_index, l.line FROM task_log l JOIN task_instance ti ON ti.id = l.ti_id
       WHERE ti.dag_id = $1 AND ti.run_id = $2 AND l.id > $3 ORDER BY l.id`,
      [run.dagId, run.runId, lastLogId],
    );
    for (const l of logs) {
      lastLogId = l.id;
      progress(`  ${l.map_index >= 0 ? `${l.task_id}[${l.map_index}]` : l.task_id} | ${l.line}`);
    }
    const [r] = await sql.query<{ state: string; failure_reason: string | null }>(
      `SELECT state, failure_reason FROM dag_run WHERE dag_id = $1 AND run_id = $2`,
      [run.dagId, run.runId],
    );
    if (r && (r.state === 'success' || r.state === 'failed')) {
      return {
        dag_id: run.dagId,
        dag_run_id: run.runId,
        state: r.state,
        failure_reason: r.failure_reason,
        tasks: tis.map(({ task_id, map_index, state, try_number }) => ({ task_id, map_index, state, try_number })),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
