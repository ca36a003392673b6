// The web app of `flashflow standalone` and `flashflow webserver`: the first admin account, the HTTP gate (auth,
// CSRF, limits) and Next.js, on a runtime the app reads through app-context.ts.
import { existsSync } from 'node:fs';
import { APP_ROOT } from './app-root';
import { serveDirect } from '../api/direct-routes';
import { createHttpGate, type GateDeps } from '../api/http-gate';
import type { AppRuntime } from '../runtime/app-runtime';
import { setRuntime } from '../runtime/app-context';
import { buildIsStale, runNextBuild } from '../runtime/ensure-build';
import type { Logger } from '../runtime/logger';
import { startWebServer } from '../runtime/web-server';
import { ensureFirstAdmin } from '../ops/auth/first-admin';


/** Builds the production bundle when it is missing or older than the sources (first start, after a pull). */
export async function ensureWebBuild(dev: boolean, log: Logger): Promise<void> {
  if (dev || !buildIsStale(APP_ROOT)) return;
  log('info', 'building the web app (first start or changed sources; this takes a minute)');
  await runNextBuild(APP_ROOT);
}

export interface WebApp {
  url: string;
  close(): Promise<void>;
}

export async function serveWebApp(
  runtime: AppRuntime,
  options: { dev: boolean; log: Logger; taskServices?: GateDeps['taskServices'] },
): Promise<WebApp> {
  const { config } = runtime;
  setRuntime(runtime);
  const admin = await ensureFirstAdmin(runtime.db.prisma, config.home, runtime.clock.now(), options.log);
  if (!admin.created && existsSync(admin.passwordFile)) {
    options.log('info', `the password admin was created with is in ${admin.passwordFile}; \`flashflow users create\` adds accounts`);
  }
  const gate = createHttpGate({
    db: runtime.db.prisma,
    clock: runtime.clock,
    secureCookies: config.secureCookies,
    proxyHops: config.proxyHops,
    ...(options.taskServices ? { taskServices: options.taskServices } : {}),
  });
  // Not under --dev: Next reloads an edited handler, and this process would keep serving the one it loaded.
  const direct = options.dev ? undefined : serveDirect;
  const web = await startWebServer({ dir: APP_ROOT, host: config.host, port: config.port, dev: options.dev, gate, direct });
  return {
    url: web.url,
    async close() {
      await web.close();
      setRuntime(null);
    },
  };
}
