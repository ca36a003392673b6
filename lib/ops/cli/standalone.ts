// `flashflow standalone` (what `npm start` runs): one process with the engine, the web app and the
// control socket, on the embedded database unless DATABASE_URL says otherwise.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlashflowConfig } from '../../runtime/config';
import type { Logger } from '../../runtime/logger';
import { setRuntime } from '../../runtime/app-context';
import { buildIsStale, runNextBuild } from '../../runtime/ensure-build';
import { openMigratedDatabase, startRuntime } from '../../runtime/start-runtime';
import { startWebServer } from '../../runtime/web-server';
import { serveRuntimeControl } from './serve-runtime-control';
import { createHttpGate } from '../../api/http-gate';
import { ensureFirstAdmin } from '../auth/first-admin';

export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function standalone(config: FlashflowConfig, opts: { dev: boolean }, log: Logger): Promise<void> {
  // The home lock first: a second standalone on a running home must refuse before it rebuilds the .next folder
  // the first one is serving from.
  const db = await openMigratedDatabase(config);
  if (!opts.dev && buildIsStale(APP_ROOT)) {
    log('info', 'building the web app (first start or changed sources; this takes a minute)');
    await runNextBuild(APP_ROOT).catch(async (err: unknown) => {
      await db.close();
      throw err;
    });
  }
  const started = performance.now();
  const runtime = await startRuntime(config, { watch: true, log, db });
  setRuntime(runtime);
  const admin = await ensureFirstAdmin(runtime.db.prisma, config.home, runtime.clock.now(), log).catch(async (err: unknown) => {
    await runtime.stop();
    throw err;
  });
  if (!admin.created && existsSync(admin.passwordFile)) {
    log('info', `the password admin was created with is in ${admin.passwordFile}; \`flashflow users create\` adds accounts`);
  }
  const control = await serveRuntimeControl(config.home, runtime);
  let web;
  try {
    const gate = createHttpGate({ db: runtime.db.prisma, clock: runtime.clock, secureCookies: config.secureCookies });
    web = await startWebServer({ dir: APP_ROOT, host: config.host, port: config.port, dev: opts.dev, gate });
  } catch (err) {
    await control.close();
    await runtime.stop();
    throw err;
  }
  log('info', `Flashflow is running at ${web.url} (database: ${runtime.db.kind === 'pglite' ? path.join(config.home, 'db') : 'PostgreSQL'}, DAGs: ${config.dagsFolder}) — started in ${Math.round(performance.now() - started)} ms`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', `${signal} received, stopping`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await web.close().catch((err: Error) => log('warn', `web server: ${err.message}`));
    await control.close().catch(() => null);
    await runtime.stop();
    setRuntime(null);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
