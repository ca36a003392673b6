// Follows one DAG run until it ends, reporting each task-instance state change and new log line.
import type { RunKey } from '../engine/run-store-port';
import type { SqlClient } from '../store/database';
import { runLogLinesAfter, runOutcome, runTaskInstances } from '../store/run-progress';

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
    const tis = await runTaskInstances(sql, run);
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
    const logs = await runLogLinesAfter(sql, run, lastLogId);
    for (const l of logs) {
      lastLogId = l.id;
      progress(`  ${l.map_index >= 0 ? `${l.task_id}[${l.map_index}]` : l.task_id} | ${l.line}`);
    }
    const r = await runOutcome(sql, run);
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
