// `flashflow standalone` (what `npm start` runs): one process with the engine, the web app and the
// control socket, on the embedded database unless DATABASE_URL says otherwise.
import path from 'node:path';
import type { FlashflowConfig } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { openMigratedDatabase } from '../runtime/open-migrated-database';
import { serveRuntimeControl } from './serve-runtime-control';
import { startActiveEngine, type ActiveEngine } from './active-engine';
import { ensureWebBuild, serveWebApp, type WebApp } from './serve-web-app';
import { exitOnSignals } from './shutdown-signals';


export async function standalone(config: FlashflowConfig, opts: { dev: boolean }, log: Logger): Promise<void> {
  // The home lock first: a second standalone on a running home must refuse before it rebuilds the .next folder
  // the first one is serving from.
  const db = await openMigratedDatabase(config);
  try {
    await ensureWebBuild(opts.dev, log);
  } catch (err) {
    await db.close();
    throw err;
  }
  const started = performance.now();
  let engine: ActiveEngine | null = null;
  let control: Awaited<ReturnType<typeof serveRuntimeControl>> | null = null;
  let web: WebApp | null = null;
  const stop = async () => {
    await web?.close().catch((err: Error) => log('warn', `web server: ${err.message}`));
    await control?.close().catch(() => null);
    await engine?.stop();
  };
  const exit = exitOnSignals(log, stop);
  try {
    engine = await startActiveEngine(config, {
      db,
      log,
      onLost: (err) => void exit(`lost the scheduler lock (${err.message}); another scheduler may take over`, 1),
    });
    control = await serveRuntimeControl(config.home, engine.runtime);
    web = await serveWebApp(engine.runtime, { dev: opts.dev, log });
  } catch (err) {
    await stop();
    if (!engine) await db.close().catch(() => {});
    throw err;
  }
  log('info', `Flashflow is running at ${web.url} (database: ${engine.runtime.db.kind === 'pglite' ? path.join(config.home, 'db') : 'PostgreSQL'}, DAGs: ${config.dagsFolder}) — started in ${Math.round(performance.now() - started)} ms`);
}
