// `flashflow webserver`: the web app and the REST API on PostgreSQL, without the engine; any number of them
// beside one active `flashflow scheduler`.
import type { FlashflowConfig } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import type { AppRuntime } from '../runtime/app-runtime';
import { requirePostgres, startWebRuntime } from '../runtime/web-runtime';
import { ensureWebBuild, serveWebApp, type WebApp } from './serve-web-app';
import { exitOnSignals } from './shutdown-signals';
import type { GateDeps } from '../api/http-gate';
import { handleTaskServiceCall, waitForRecordedStart } from '../api/task-execution-endpoint';
import { TryTokens } from '../ops/auth/try-token';
import { taskServiceHandler } from '../runtime/task-services';
import { connectionSource } from '../store/connections';
import { variableSource } from '../store/variables';

/** The endpoint remote workers' tasks call (FLASHFLOW_EXECUTOR=bullmq); harmless when there are none. */
function taskExecution(runtime: AppRuntime): NonNullable<GateDeps['taskServices']> {
  const { db, config, secrets, clock } = runtime;
  const deps = {
    tokens: new TryTokens(secrets.keyMaterial),
    sql: db.sql,
    now: () => clock.now(),
    services: taskServiceHandler({
      sql: db.sql,
      now: () => clock.now(),
      connections: connectionSource({ db: db.prisma, secrets, env: config.connectionEnv }),
      variables: variableSource(db.sql, config.variableEnv),
      llmEnv: config.llmEnv,
      wake: () => runtime.scheduler.wake(),
      beforeChange: waitForRecordedStart(db.sql),
    }),
  };
  return (req) => handleTaskServiceCall(req, deps);
}

export async function webserverCommand(config: FlashflowConfig, opts: { dev: boolean }, log: Logger): Promise<void> {
  requirePostgres(config, 'webserver');
  await ensureWebBuild(opts.dev, log);
  let runtime: AppRuntime | null = null;
  let web: WebApp | null = null;
  const stop = async () => {
    await web?.close().catch((err: Error) => log('warn', `web server: ${err.message}`));
    await runtime?.stop();
  };
  exitOnSignals(log, stop);
  try {
    runtime = await startWebRuntime(config, log);
    web = await serveWebApp(runtime, { dev: opts.dev, log, taskServices: taskExecution(runtime) });
  } catch (err) {
    await stop();
    throw err;
  }
  log('info', `Flashflow webserver is running at ${web.url} (database: PostgreSQL; the scheduler runs in \`flashflow scheduler\`)`);
}
