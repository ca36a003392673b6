// The cache of isolated npm environments: one folder per requirement list, built once by one builder
// (lock file), in a temporary folder renamed into place when complete, so nobody ever sees half an install.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { NonRetriableError } from '../engine/task-context';
import { acquireDirLock } from './dir-lock';
import type { Requirement } from './isolated-env';
import type { OperatorContext } from './operator-context';
import { runInProcessGroup, SpawnError } from './process-group';

/** Written last into a finished environment; an environment folder without it is not one. */
export const ENV_MANIFEST = 'flashflow-env.json';
/** Bumped when the layout of an environment changes, so old ones are not reused. */
const LAYOUT_VERSION = 1;

export class IsolatedEnvInstallError extends Error {
  override name = 'IsolatedEnvInstallError';
}

export interface EnvManifest {
  layout: number;
  key: string;
  requirements: string[];
  node: string;
  platform: string;
  builtAt: string;
  buildMs: number;
}

export interface ReadyEnv {
  dir: string;
  manifest: EnvManifest;
  /** 'cache': it already existed; 'built': this call installed it; 'waited': another builder did, meanwhile. */
  source: 'cache' | 'built' | 'waited';
}

export type EnvBuildContext = Pick<OperatorContext, 'signal' | 'trackProcessGroup' | 'termGraceMs' | 'output'> & {
  log: (message: string) => void;
  /** Environment of `npm` (PATH, registry settings, proxies). */
  npmEnv: Record<string, string>;
};

/**
 * `FLASHFLOW_ENVS_DIR`, else `$XDG_CACHE_HOME/flashflow/envs`, else `<os tmpdir>/flashflow-envs`. Never
 * below the app: Node resolves packages from the importing file's folder upward, so any node_modules above
 * the environments would leak into them (checked by `assertNoNodeModulesAbove`).
 */
export function resolveEnvsDir(env: NodeJS.ProcessEnv): string {
  if (env.FLASHFLOW_ENVS_DIR) return resolve(env.FLASHFLOW_ENVS_DIR);
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, 'flashflow', 'envs');
  return join(tmpdir(), 'flashflow-envs');
}

const checkedDirs = new Set<string>();

/** Refuses an environments folder with a node_modules folder in it or above it: it would be visible to tasks. */
export function assertNoNodeModulesAbove(envsDir: string): void {
  if (checkedDirs.has(envsDir)) return;
  for (let dir = envsDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) {
      throw new NonRetriableError(
        `isolated env: the environments folder ${envsDir} is inside ${dir}, which has a node_modules folder; ` +
          'Node would let tasks import packages from it that they did not declare. Set FLASHFLOW_ENVS_DIR to a ' +
          'folder outside any Node project',
      );
    }
    if (dirname(dir) === dir) break;
  }
  checkedDirs.add(envsDir);
}

/** Hash of what makes two environments interchangeable: the sorted requirements and the platform. */
export function envKey(requirements: Requirement[]): string {
  const specs = requirements.map((r) => r.spec).sort();
  const identity = JSON.stringify({ layout: LAYOUT_VERSION, specs, platform: `${process.platform}-${process.arch}`, abi: process.versions.modules });
  return createHash('sha256').update(identity).digest('hex').slice(0, 20);
}

/** Tries of one runner process that need the same environment share one build. */
const inProcess = new Map<string, Promise<ReadyEnv>>();

/** The ready environment for `requirements`, building it (once, across processes) if needed. */
export async function ensureEnv(envsDir: string, requirements: Requirement[], ctx: EnvBuildContext): Promise<ReadyEnv> {
  const key = envKey(requirements);
  const dir = join(envsDir, `env-${key}`);
  for (let waited = false; ; waited = true) {
    const cached = await readManifest(dir, key);
    if (cached) return { dir, manifest: cached, source: waited ? 'waited' : 'cache' };
    const pending = inProcess.get(key);
    if (!pending) break;
    ctx.log(`isolated env: waiting for another try of this runner to build ${dir}`);
    try {
      return { ...(await abortable(pending, ctx.signal)), source: 'waited' };
    } catch (err) {
      // That try's build failed or was aborted with it; this try checks again and builds it itself if need be.
      if (ctx.signal.aborted) throw err;
    }
  }
  const build = buildLocked(envsDir, dir, key, requirements, ctx);
  inProcess.set(key, build);
  try {
    return await build;
  } finally {
    inProcess.delete(key);
  }
}

async function buildLocked(envsDir: string, dir: string, key: string, requirements: Requirement[], ctx: EnvBuildContext): Promise<ReadyEnv> {
  await mkdir(envsDir, { recursive: true });
  assertNoNodeModulesAbove(envsDir);
  const release = await acquireDirLock(`${dir}.lock`, {
    signal: ctx.signal,
    onWait: (holder) => ctx.log(`isolated env: waiting for ${holder} to finish building ${dir}`),
  });
  try {
    const built = await readManifest(dir, key);
    if (built) return { dir, manifest: built, source: 'waited' };
    return { dir, manifest: await build(envsDir, dir, key, requirements, ctx), source: 'built' };
  } finally {
    await release();
  }
}

async function build(envsDir: string, dir: string, key: string, requirements: Requirement[], ctx: EnvBuildContext): Promise<EnvManifest> {
  const started = Date.now();
  // Builds of this key that a killed runner left behind; only the lock holder builds this key, so none is live.
  const leftovers = (await readdir(envsDir)).filter((name) => name.startsWith(`.build-env-${key}-`));
  await Promise.all(leftovers.map((name) => rm(join(envsDir, name), { recursive: true, force: true })));
  const tmp = await mkdtemp(join(envsDir, `.build-env-${key}-`));
  try {
    await writeFile(join(tmp, 'package.json'), `${JSON.stringify({ name: 'flashflow-isolated-env', private: true }, null, 2)}\n`);
    if (requirements.length > 0) {
      ctx.log(`isolated env: installing ${requirements.map((r) => r.spec).join(' ')} into ${dir}`);
      await npmInstall(tmp, requirements, ctx);
      await verifyInstalled(tmp, requirements);
    } else {
      ctx.log(`isolated env: creating ${dir} with no requirements`);
    }
    const manifest: EnvManifest = {
      layout: LAYOUT_VERSION,
      key,
      requirements: requirements.map((r) => r.spec).sort(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      builtAt: new Date().toISOString(),
      buildMs: Date.now() - started,
    };
    await writeFile(join(tmp, ENV_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // A folder without a manifest (a build interrupted before rename cannot leave one, but a person can)
    // is replaced; we hold the lock, so nobody is using it.
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    ctx.log(`isolated env: built ${dir} in ${manifest.buildMs} ms`);
    return manifest;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function readManifest(dir: string, key: string): Promise<EnvManifest | null> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, ENV_MANIFEST), 'utf8')) as EnvManifest;
    return manifest.key === key && manifest.layout === LAYOUT_VERSION ? manifest : null;
  } catch {
    return null;
  }
}

const NPM_INSTALL_FLAGS = ['--ignore-scripts', '--save-exact', '--no-audit', '--no-fund', '--no-update-notifier', '--no-progress'];
const NPM_TAIL_LINES = 30;

async function npmInstall(prefix: string, requirements: Requirement[], ctx: EnvBuildContext): Promise<void> {
  const tail: string[] = [];
  const onLine = (stream: 'stdout' | 'stderr', line: string) => {
    if (line.trim() === '') return; // npm pads its summary with blank lines
    tail.push(line);
    if (tail.length > NPM_TAIL_LINES) tail.shift();
    ctx.output(stream, line);
  };
  const args = ['install', '--prefix', prefix, ...NPM_INSTALL_FLAGS, ...requirements.map((r) => r.spec)];
  let result;
  try {
    result = await runInProcessGroup('npm', args, { cwd: prefix, env: ctx.npmEnv, onLine }, ctx);
  } catch (err) {
    if (err instanceof SpawnError && err.code === 'ENOENT') {
      throw new NonRetriableError('isolated env: npm was not found on the PATH of the task runner');
    }
    throw err;
  }
  if (result.code === 0) return;
  const failure = describeInstallFailure(tail);
  const message = `isolated env: npm install failed: ${failure.message}`;
  throw failure.retriable ? new IsolatedEnvInstallError(message) : new NonRetriableError(message);
}

const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|EPIPE|ERR_SOCKET_TIMEOUT|E5\d\d|E429)$/;

/**
 * What npm's output says went wrong, and whether trying again can help: an unknown package or version
 * will stay unknown (not retriable); the network or the registry may come back (retriable).
 */
export function describeInstallFailure(lines: string[]): { message: string; retriable: boolean } {
  const text = lines.map((l) => l.replace(/^npm (?:error|ERR!) ?/, ''));
  const code = text.map((l) => /^code (\S+)/.exec(l)?.[1]).find((c) => c !== undefined);
  if (code === 'ETARGET') {
    const spec = text.map((l) => /No matching version found for (\S+?)\.?$/.exec(l)?.[1]).find((s) => s !== undefined);
    return { message: `no version ${spec ?? '(see the log)'} exists in the registry (npm ETARGET)`, retriable: false };
  }
  if (code === 'E404') {
    const spec = text.map((l) => /requested resource '([^']+)' could not be found/.exec(l)?.[1]).find((s) => s !== undefined);
    const url = text.map((l) => /404 Not Found - GET (\S+)/.exec(l)?.[1]).find((s) => s !== undefined);
    return { message: `package ${spec ?? url ?? '(see the log)'} was not found in the registry (npm E404)`, retriable: false };
  }
  if (code === 'EINVALIDPACKAGENAME' || code === 'EINVALIDTAGNAME') {
    return { message: `${firstErrorLine(text, code)} (npm ${code})`, retriable: false };
  }
  if (code !== undefined && NETWORK_CODES.test(code)) {
    return { message: `the registry could not be reached: ${firstErrorLine(text, code)} (npm ${code})`, retriable: true };
  }
  return { message: `${firstErrorLine(text, code)}${code ? ` (npm ${code})` : ''}`, retriable: true };
}

function firstErrorLine(text: string[], code: string | undefined): string {
  const meaningful = text.filter((l) => l.trim() !== '' && !/^(code|errno|syscall) /.test(l) && !/complete log of this run/.test(l));
  const line = meaningful.find((l) => code === undefined || !l.includes(`code ${code}`)) ?? 'npm exited without saying why';
  return line.trim().slice(0, 500);
}

/** Each requirement is installed at its version directly in the environment's node_modules. */
async function verifyInstalled(prefix: string, requirements: Requirement[]): Promise<void> {
  for (const r of requirements) {
    const file = join(prefix, 'node_modules', r.name, 'package.json');
    const installed = await readFile(file, 'utf8').then((t) => (JSON.parse(t) as { version?: string }).version, () => undefined);
    if (installed !== r.version) {
      throw new IsolatedEnvInstallError(
        `isolated env: npm reported success but ${r.name} is ${installed === undefined ? 'missing' : `at ${installed}`} in ${prefix}, not at ${r.version}`,
      );
    }
  }
}

/** The promise, or the abort reason as soon as the try is aborted. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
