// Runs Flashflow the way a user does — `node bin/flashflow.js …` as a real process — against a temp
// FLASHFLOW_HOME and a fixture DAG folder. Homes can start from the migrated test template (≈0.8 s instead
// of ≈4 s for a fresh PGlite cluster plus migrations).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite } from '../../lib/store/open-pglite';
import { testDbTemplate } from './test-db';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FLASHFLOW_BIN = path.join(REPO_ROOT, 'bin', 'flashflow.js');

export function fixturePath(name: string): string {
  return path.join(REPO_ROOT, 'tests', 'fixtures', name);
}

const madeDirs: string[] = [];

/** A new folder under the OS temp folder, removed by `removeTempDirs()`. */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `flashflow-${prefix}-`));
  madeDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(madeDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/**
 * A FLASHFLOW_HOME that does not exist yet (Flashflow creates it). With `seeded`, its database is a copy of the
 * migrated template, so the first command does not pay for cluster creation.
 */
export async function makeHome(options: { seeded?: boolean } = {}): Promise<string> {
  const home = path.join(await makeTempDir('home'), 'home');
  if (options.seeded ?? true) {
    const db = await openPglite({ dataDir: path.join(home, 'db'), loadDataDir: await testDbTemplate() });
    await db.close();
  }
  return home;
}

/** The environment of a Flashflow process: nothing inherited that configures Flashflow, an LLM or the test runner. */
export function flashflowEnv(home: string, dagsFolder: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(FLASHFLOW_|OPENAI_|VITEST|NODE_OPTIONS$|NODE_ENV$|DATABASE_URL$|REDIS_URL$|PORT$)/.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    FLASHFLOW_HOME: home,
    FLASHFLOW_DAGS_FOLDER: dagsFolder,
    FLASHFLOW_EXECUTOR_PROCESSES: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    ...extra,
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr without empty lines. */
  stderrLines: string[];
}

export interface CliOptions {
  home: string;
  dagsFolder: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs one `flashflow` command to its end. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return runNode([FLASHFLOW_BIN, ...args], options);
}

let inProcessTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs one `flashflow` command inside this test process: the same argument parsing, configuration (read from the
 * environment `runCli` would give the process), database session, output and error lines, without a Node start and
 * the CLI's imports for every command. What only a process of its own shows — that it exits by itself, that nothing
 * else reaches its stderr, how two processes share a home — is left to `runCli`. Calls take turns: a command's exit
 * code is process.exitCode.
 */
export function runCliInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const turn = inProcessTurn.then(() => runInProcess(args, options));
  inProcessTurn = turn.catch(() => null);
  return turn;
}

async function runInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  // Imported on first use: most files that use this harness start processes only.
  const [{ runFlashflow }, { loadConfig }] = await Promise.all([import('../../lib/cli/main'), import('../../lib/runtime/config')]);
  const env = flashflowEnv(options.home, options.dagsFolder, options.env);
  let config: ReturnType<typeof loadConfig> | null = null;
  let stdout = '';
  let stderr = '';
  const toStderr = (text: string) => {
    stderr += text;
    return true;
  };
  // The logger writes to a stream; it needs no more of one than these two members.
  const logStream = { isTTY: false, write: toStderr } as unknown as NodeJS.WriteStream;
  const outerExitCode = process.exitCode;
  process.exitCode = undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeoutMs = options.timeoutMs ?? 20_000;
    await Promise.race([
      runFlashflow(['node', FLASHFLOW_BIN, ...args], () => (config ??= loadConfig(env, REPO_ROOT)), {
        stdout: (text) => void (stdout += text),
        stderr: toStderr,
        logStream,
      }),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`flashflow ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
      }),
    ]);
    return { code: Number(process.exitCode ?? 0), signal: null, stdout, stderr, stderrLines: stderr.split('\n').filter((l) => l.trim() !== '') };
  } finally {
    clearTimeout(timer);
    process.exitCode = outerExitCode;
  }
}

export function runNode(argv: string[], options: CliOptions): Promise<CliResult> {
  const child = spawn(process.execPath, argv, {
    cwd: REPO_ROOT,
    // Next's typing makes NODE_ENV a required key of ProcessEnv; the child gets none on purpose.
    env: flashflowEnv(options.home, options.dagsFolder, options.env) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`flashflow ${argv.slice(1).join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, stderrLines: stderr.split('\n').filter((l) => l.trim() !== '') });
    });
  });
}

/** A long-running Flashflow process (standalone, or the engine-only support script) in its own process group. */
export class FlashflowProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private listeners: Array<() => void> = [];

  constructor(argv: string[], options: CliOptions) {
    this.child = spawn(process.execPath, argv, {
      cwd: REPO_ROOT,
      // Next's typing makes NODE_ENV a required key of ProcessEnv; the child gets none on purpose.
    env: flashflowEnv(options.home, options.dagsFolder, options.env) as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const notify = () => {
      for (const l of this.listeners) l();
    };
    this.child.stdout!.setEncoding('utf8').on('data', (c: string) => ((this.stdout += c), notify()));
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => ((this.stderr += c), notify()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => (resolve({ code, signal }), notify())));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return `stdout:\n${this.stdout}\nstderr:\n${this.stderr}`;
  }

  /** Resolves with the first match of `pattern` in stdout + stderr; rejects on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      let done = false;
      const check = () => {
        if (done) return;
        const m = (this.stdout + this.stderr).match(pattern);
        if (m) finish(() => resolve(m));
        else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          finish(() => reject(new Error(`process exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${pattern}\n${this.output}`)));
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms\n${this.output}`))), timeoutMs);
      const finish = (f: () => void) => {
        done = true;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        f();
      };
      this.listeners.push(check);
      check();
    });
  }

  /** Waits for the exit, failing the test if it takes longer than `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`process ${this.pid} did not exit within ${timeoutMs} ms\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs the whole process group (cleanup; ignores a group that is already gone). */
  killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/** Pids of the running processes whose parent is `ppid` and whose command line contains `needle`. */
export function childProcesses(ppid: number, needle: string): number[] {
  const list = (): string => {
    try {
      return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(ppid)], { encoding: 'utf8' });
    } catch {
      return ''; // ps exits 1 when there are none
    }
  };
  return list().split('\n').filter((l) => l.includes(needle)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls `check` until it returns a truthy value; the failure message says what was awaited. */
export async function waitUntil<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
