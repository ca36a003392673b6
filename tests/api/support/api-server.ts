// One real `flashflow standalone` per test file for the REST API tests: a temp home seeded from the migrated
// template, the tests/fixtures/dags-api folder (or another), a free port. The Next build is refreshed first when
// stale, under a lock so that two test files starting together do not build into the same .next at once.
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildIsStale, runNextBuild } from '../../../lib/runtime/ensure-build';
import { FLASHFLOW_BIN, FlashflowProcess, fixturePath, freePort, makeHome, REPO_ROOT, removeTempDirs } from '../../support/cli-harness';

export interface ApiServer {
  baseUrl: string;
  home: string;
  /** The first-start admin's password, from $FLASHFLOW_HOME/standalone_admin_password.txt. */
  adminPassword: string;
  /** `Authorization: Basic` as admin, for requests outside the OpenAPI client. */
  auth: Record<string, string>;
  process: FlashflowProcess;
  stop(): Promise<void>;
}

const LOCK = path.join(REPO_ROOT, 'tmp', 'next-build.lock');
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 10 * 60_000;

async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The production web build the servers serve, made once even when several test files start servers at once. */
export function ensureTestBuild(): Promise<void> {
  return withBuildLock(async () => {
    if (buildIsStale(REPO_ROOT)) await runNextBuild(REPO_ROOT);
  });
}

export async function startApiServer(env: Record<string, string> = {}, dagsFolder = fixturePath('dags-api')): Promise<ApiServer> {
  await ensureTestBuild();
  const home = await makeHome();
  const port = await freePort();
  const proc = new FlashflowProcess([FLASHFLOW_BIN, 'standalone'], {
    home,
    dagsFolder,
    env: { PORT: String(port), FLASHFLOW_EXECUTOR_PROCESSES: '2', FLASHFLOW_POLL_INTERVAL_MS: '200', ...env },
  });
  let url: string;
  try {
    [, url = ''] = await proc.waitFor(/Flashflow is running at (http:\/\/[\d.:]+)/, 60_000);
  } catch (err) {
    proc.killGroup();
    await removeTempDirs();
    throw err;
  }
  const adminPassword = readFileSync(path.join(home, 'standalone_admin_password.txt'), 'utf8').trim();
  return {
    baseUrl: url,
    home,
    adminPassword,
    auth: basicAuth('admin', adminPassword),
    process: proc,
    stop: async () => {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        process.kill(proc.pid, 'SIGTERM');
        await proc.waitForExit(10_000).catch(() => proc.killGroup());
      }
      await removeTempDirs();
    },
  };
}

export function basicAuth(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}
