// The real engine (file-backed PGlite, LocalExecutor, DAG parsing in a child) on a temp home and a
// fixture DAG folder, for tests of operators and whole runs in real processes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../../lib/kernel/clock';
import { loadConfig } from '../../lib/runtime/config';
import { startRuntime, type Runtime } from '../../lib/runtime/start-runtime';
import { triggerDagRun } from '../../lib/store/trigger-dag-run';

export async function startTestRuntime(
  dagsFolder: string,
  env: Record<string, string> = {},
  opts: { clock?: Clock; createScheduledRuns?: boolean } = {},
): Promise<Runtime & { home: string }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ff-rt-'));
  const config = loadConfig({ FLASHFLOW_HOME: home, FLASHFLOW_DAGS_FOLDER: dagsFolder, FLASHFLOW_POLL_INTERVAL_MS: '100', FLASHFLOW_EXECUTOR_PROCESSES: '1', ...env });
  const runtime = await startRuntime(config, { log: () => {}, createScheduledRuns: opts.createScheduledRuns ?? false, clock: opts.clock });
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

/** The states of a run's task instances, `task` or `task[i]` for a mapped one. */
export async function taskStates(rt: Runtime, dagId: string, runId: string): Promise<Record<string, string>> {
  const rows = await rt.db.sql.query<{ task_id: string; map_index: number; state: string }>(
    `SELECT task_id, map_index, state FROM task_instance WHERE dag_id = $1 AND run_id = $2 ORDER BY task_id, map_index`,
    [dagId, runId],
  );
  return Object.fromEntries(rows.map((r) => [r.map_index < 0 ? r.task_id : `${r.task_id}[${r.map_index}]`, r.state]));
}

/** Resolves once the task instance is in `state`; rejects after `timeoutMs` of real time. */
export async function waitForTask(rt: Runtime, dagId: string, runId: string, taskId: string, state: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await taskStates(rt, dagId, runId);
    if (states[taskId] === state) return;
    if (Date.now() > deadline) throw new Error(`${dagId}.${taskId} is ${states[taskId]}, not ${state}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every log line of one try of an unmapped task. */
export async function taskLog(rt: Runtime, dagId: string, runId: string, taskId: string, tryNumber: number): Promise<string> {
  const rows = await rt.db.sql.query<{ line: string }>(
    `SELECT l.line FROM task_log l JOIN task_instance ti ON ti.id = l.ti_id
     WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = $3 AND l.try_number = $4 ORDER BY l.id`,
    [dagId, runId, taskId, tryNumber],
  );
  return rows.map((r) => r.line).join('\n');
}

