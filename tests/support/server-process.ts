// What every real server started by tests needs, whatever the server: a free port on 127.0.0.1, a child process
// that cannot outlive the test process, its output kept for error messages, and a bounded wait until it answers.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcess {
  /** The end of the server's stdout and stderr. */
  log(): string;
  /** How the server ended ("exit 1", "SIGKILL", a spawn error), or undefined while it runs. */
  exitStatus(): string | undefined;
  /** Sends the server's shutdown signal, SIGKILLs it after the grace period, and waits for its end. */
  stop(): Promise<void>;
  /** SIGKILL, synchronously: for process 'exit' handlers. */
  kill(): void;
}

export interface ServerSpawnOptions {
  cwd: string;
  /** The signal the server treats as a quick, clean shutdown. */
  stopSignal: NodeJS.Signals;
  stopGraceMs?: number;
  /** More setpriv options, e.g. a user switch. */
  setprivArgs?: string[];
}

const DEFAULT_STOP_GRACE_MS = 5_000;
const LOG_TAIL_CHARS = 16_000;
// How long the server's last words may take to arrive once it has ended.
const PIPE_DRAIN_MS = 1_000;
// Another test file may take the port between our probe closing it and the server binding it.
const PORT_ATTEMPTS = 3;

/**
 * [command, args] running `program` through setpriv, which execs in place (the pid we hold is `program` itself) and
 * gives it a parent-death signal, so it dies even when this process is SIGKILLed and no 'exit' handler runs.
 */
export function setprivCommand(program: string, args: string[], setprivArgs: string[] = []): [string, string[]] {
  return ['setpriv', [...setprivArgs, '--pdeathsig=KILL', '--', program, ...args]];
}

export function spawnServerProcess(program: string, args: string[], options: ServerSpawnOptions): ServerProcess {
  const child = spawn(...setprivCommand(program, args, options.setprivArgs), {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Only the end of the log matters for an error message; read everything so the pipes never fill up.
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // The server's children (PostgreSQL's backends) inherit the pipes and may outlive a SIGKILLed server; 'close' would
  // wait for them, so after a short drain we close our ends ourselves, which lets 'close' come.
  child.once('exit', () => {
    const timer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, PIPE_DRAIN_MS);
    child.once('close', () => clearTimeout(timer));
  });
  let status: string | undefined;
  const exited = new Promise<void>((resolve) => {
    // 'close', not 'exit': it comes after the pipes are drained, so log() holds the server's last words.
    child.once('close', (code, signal) => {
      status ??= `exit ${code ?? signal}`;
      resolve();
    });
    // A spawn failure emits 'error' and no 'exit'.
    child.once('error', (error) => {
      status ??= error.message;
      resolve();
    });
  });
  const alive = () => status === undefined && child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  const kill = () => {
    if (alive()) child.kill('SIGKILL');
  };
  return {
    log: () => log,
    exitStatus: () => status,
    kill,
    async stop() {
      if (alive()) child.kill(options.stopSignal);
      const timer = setTimeout(kill, options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Calls `probe` until it resolves; fails with the server's output when the server ends first or `timeoutMs` passes.
 * `name` starts the error messages ("Redis did not accept connections…").
 */
export async function waitUntilServing(
  server: ServerProcess,
  name: string,
  timeoutMs: number,
  probe: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = await probe().then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    if (!error) return;
    const status = server.exitStatus();
    if (status !== undefined) throw new Error(`${name} stopped before accepting connections (${status}):\n${server.log()}`);
    if (Date.now() > deadline) {
      throw new Error(`${name} did not accept connections within ${timeoutMs / 1000} s (${error.message}):\n${server.log()}`);
    }
    await sleep(25);
  }
}

export interface TempDirServerOptions {
  /** Starts the error messages: "Redis did not accept connections…". */
  name: string;
  /** Starts the temp dir's name, e.g. "ff-redis-". */
  dirPrefix: string;
  /** Fills the temp dir once, before the first start (a database cluster, say). */
  prepare?: (dir: string) => Promise<void>;
  spawn: (dir: string, port: number) => ServerProcess;
  /** Resolves once the server on `port` answers. */
  probe: (port: number) => Promise<void>;
  readyTimeoutMs: number;
  /** What the server logs when another process took its port first. */
  portTaken: RegExp;
}

export interface TempDirServer {
  dir: string;
  port: number;
  /**
   * Stops the server (its shutdown signal), runs `whileDown`, and starts it again on the same port and dir: what a
   * restart or a short outage looks like to clients. Resolves once it answers again.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Stops the server and deletes its dir; calling it again is harmless. */
  stop(): Promise<void>;
}

/**
 * Starts a server whose files live in a fresh temp dir, on a free port, retrying on another port when that one was
 * taken. A failed start, stop() and an abrupt end of the test process all stop the server and delete the dir.
 */
export async function startInTempDir(options: TempDirServerOptions): Promise<TempDirServer> {
  const dir = await mkdtemp(path.join(tmpdir(), options.dirPrefix));
  let server: ServerProcess | undefined;
  const forget = atProcessEnd(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  const cleanUp = async () => {
    await server?.stop();
    // The server's children still ending after a SIGKILL may write a last file; a retry or two covers that.
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    forget();
  };
  try {
    await options.prepare?.(dir);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      server = options.spawn(dir, port);
      try {
        await waitUntilServing(server, options.name, options.readyTimeoutMs, () => options.probe(port));
      } catch (error) {
        await server.stop();
        if (attempt < PORT_ATTEMPTS && options.portTaken.test(server.log())) continue;
        throw error;
      }
      let stopping: Promise<void> | undefined;
      const restart = async (whileDown?: () => Promise<void>) => {
        if (stopping) throw new Error(`${options.name} was stopped for good`);
        await server?.stop();
        try {
          await whileDown?.();
        } finally {
          server = options.spawn(dir, port);
          await waitUntilServing(server, options.name, options.readyTimeoutMs, () => options.probe(port));
        }
      };
      return { dir, port, restart, stop: () => (stopping ??= cleanUp()) };
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** A port free on 127.0.0.1 right now; another process may take it before our server binds it, so callers retry. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// What to undo when a test process ends without stop(): process.exit or an uncaught error ('exit'), or Vitest ending
// its fork workers with SIGTERM, which skips 'exit' handlers.
const pendingCleanups = new Set<() => void>();
const cleanUpAll = () => {
  for (const cleanup of pendingCleanups) cleanup();
  pendingCleanups.clear();
};
const cleanUpAndDie = () => {
  cleanUpAll();
  stopListening();
  // With our listener gone, SIGTERM's default action (or the owner of another listener) ends the process.
  process.kill(process.pid, 'SIGTERM');
};
function stopListening(): void {
  process.off('exit', cleanUpAll);
  process.off('SIGTERM', cleanUpAndDie);
}

/** Registers a synchronous cleanup for an abrupt end of the process; returns its unregistration. */
export function atProcessEnd(cleanup: () => void): () => void {
  if (pendingCleanups.size === 0) {
    process.on('exit', cleanUpAll);
    process.on('SIGTERM', cleanUpAndDie);
  }
  pendingCleanups.add(cleanup);
  return () => {
    pendingCleanups.delete(cleanup);
    if (pendingCleanups.size === 0) stopListening();
  };
}
