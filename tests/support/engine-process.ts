// The engine of `flashflow standalone` without the web server: home lock, PGlite, migrations, DAG processor,
// LocalExecutor, scheduler and the control socket (so `flashflow dags trigger` reaches it). Crash tests run it
// as a real process (`node --import tsx tests/support/engine-process.ts`) and kill it.
// Since no second process can open the database while this one runs, it reports what tests need on stdout,
// one JSON object a line: {"event":"ready"}, then {"event":"ti",…} / {"event":"run",…} on every state change.
import { loadConfig } from '../../lib/runtime/config';
import { createLogger } from '../../lib/runtime/logger';
import { startRuntime } from '../../lib/runtime/start-runtime';
import { serveRuntimeControl } from '../../lib/cli/serve-runtime-control';

const config = loadConfig();
const log = createLogger(config.logLevel);
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const runtime = await startRuntime(config, { watch: true, log });
const control = await serveRuntimeControl(config.home, runtime);
emit({ event: 'ready', pid: process.pid });

const seen = new Map<string, string>();
let polling = true;
async function report(): Promise<void> {
  const tis = await runtime.db.sql.query<{ dag_id: string; run_id: string; task_id: string; state: string; try_number: number; pid: number | null }>(
    `SELECT dag_id, run_id, task_id, state, try_number, pid FROM task_instance ORDER BY dag_id, run_id, task_id`,
  );
  for (const ti of tis) {
    const key = `ti ${ti.dag_id} ${ti.run_id} ${ti.task_id}`;
    const value = `${ti.state} ${ti.try_number} ${ti.pid}`;
    if (seen.get(key) === value) continue;
    seen.set(key, value);
    emit({ event: 'ti', ...ti });
  }
  const runs = await runtime.db.sql.query<{ dag_id: string; run_id: string; state: string }>(
    `SELECT dag_id, run_id, state FROM dag_run ORDER BY dag_id, run_id`,
  );
  for (const run of runs) {
    const key = `run ${run.dag_id} ${run.run_id}`;
    if (seen.get(key) === run.state) continue;
    seen.set(key, run.state);
    emit({ event: 'run', ...run });
  }
}
const poller = (async () => {
  while (polling) {
    await report().catch((err: Error) => log('warn', `report failed: ${err.message}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    polling = false;
    await poller;
    await control.close();
    await runtime.stop();
    emit({ event: 'stopped' });
    process.exit(0);
  })();
});
