// The real engine (file-backed PGlite, LocalExecutor, DAG parsing in a child) on a temp home and a
// fixture DAG folder, for tests of operators and whole runs in real processes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/runtime/config';
import { startRuntime, type Runtime } from '../../lib/runtime/start-runtime';
import { triggerDagRun } from '../../lib/store/trigger-dag-run';

export async function startTestRuntime(dagsFolder: string, env: Record<string, string> = {}): Promise<Runtime & { home: string }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ff-rt-'));
  const config = loadConfig({ FLASHFLOW_HOME: home, FLASHFLOW_DAGS_FOLDER: dagsFolder, FLASHFLOW_POLL_INTERVAL_MS: '100', FLASHFLOW_EXECUTOR_PROCESSES: '1', ...env });
  const runtime = await startRuntime(config, { log: () => {}, createScheduledRuns: false });
  const stopRuntime = runtime.stop;
  return Object.assign(runtime, {
    home,
    stop: async () => {
      await stopRuntime();
      await rm(home, { recursive: true, force: true });
    },
  });
}

export async function trigger(rt: Runtime, dagId: string, opts: { conf?: Record<string, unknown>; runId?: string; logicalDate?: Date } = {}): Promise<string> {
  const run = await triggerDagRun(rt.db.sql, { dagId, ...opts }, new Date());
  rt.scheduler.wake();
  return run.runId;
}

/** Resolves with the run's final state; rejects after `timeoutMs`. */
export async function waitForRun(rt: Runtime, dagId: string, runId: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await rt.db.sql.query<{ state: string }>(`SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2`, [dagId, runId]);
    if (row && (row.state === 'success' || row.state === 'failed')) return row.state;
    if (Date.now() > deadline) throw new Error(`run ${dagId}/${runId} still ${row?.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function taskError(rt: Runtime, dagId: string, runId: string, taskId: string): Promise<string | null> {
  const [row] = await rt.db.sql.query<{ last_error: string | null }>(
    `SELECT last_error FROM task_instance WHERE dag_id = $1 AND run_id = $2 AND task_id = $3`,
    [dagId, runId, taskId],
  );
  return row?.last_error ?? null;
}
