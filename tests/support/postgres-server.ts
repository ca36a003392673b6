// A real PostgreSQL server for tests, from Debian's binaries: a throw-away cluster in a temp dir, listening on
// 127.0.0.1 only, with a server TimeZone that is deliberately not UTC (our code must pin its sessions itself).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

export interface PostgresServer {
  /** postgres://flashflow:<password>@127.0.0.1:<port>/postgres, as the superuser. */
  url: string;
  port: number;
  /** Creates an empty database (default name ff_<random hex>) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and deletes its files; calling it again is harmless. */
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'flashflow';
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
// Another test file may take the port between our probe closing it and postgres binding it.
const PORT_ATTEMPTS = 3;

const run = promisify(execFile);

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = newestPostgresBin();
  const password = randomBytes(18).toString('hex');
  const dir = await mkdtemp(path.join(tmpdir(), 'ff-pg-'));
  let server: ServerProcess | undefined;
  const forget = atProcessEnd(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  const cleanUp = async () => {
    await server?.stop();
    await removeDir(dir);
    forget();
  };
  try {
    const dataDir = path.join(dir, 'data');
    const pwfile = path.join(dir, 'pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    // PostgreSQL refuses to run as root; the Debian package created the `postgres` user for it.
    if (isRoot()) await run('chown', ['-R', 'postgres:postgres', dir]);
    await initdb(bin, dir, [`--pwfile=${pwfile}`, `--username=${SUPERUSER}`, '-D', dataDir]);
    await rm(pwfile);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      server = spawnServer(bin, dir, dataDir, port);
      const url = (database: string) => `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
      try {
        await server.ready(url('postgres'));
      } catch (error) {
        await server.stop();
        if (attempt < PORT_ATTEMPTS && /could not bind|Address already in use/.test(server.log())) continue;
        throw error;
      }
      let stopping: Promise<void> | undefined;
      return {
        url: url('postgres'),
        port,
        createDatabase: async (name = `ff_${randomBytes(6).toString('hex')}`) => {
          await withClient(url('postgres'), (client) => client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`));
          return url(name);
        },
        stop: () => (stopping ??= cleanUp()),
      };
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
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
function atProcessEnd(cleanup: () => void): () => void {
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

function newestPostgresBin(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT).filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(path.join(PG_ROOT, v, 'bin', 'postgres')))
    : [];
  // Numeric, so that 15 beats 9.6.
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(
      `No PostgreSQL server under ${PG_ROOT}/<version>/bin: install Debian's postgresql package ` +
        '(apt-get install --no-install-recommends postgresql; `npm test` does it when run as root).',
    );
  }
  return path.join(PG_ROOT, newest, 'bin');
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * [command, args] running `program` as the postgres user when we are root. setpriv execs in place (runuser would stay
 * in between as a parent), so the pid we hold is postgres itself; its parent-death signal kills the server even when
 * this process is SIGKILLed, when no 'exit' handler runs.
 */
function asServerUser(program: string, args: string[]): [string, string[]] {
  const user = isRoot() ? ['--reuid=postgres', '--regid=postgres', '--init-groups'] : [];
  return ['setpriv', [...user, '--pdeathsig=KILL', '--', program, ...args]];
}

async function initdb(bin: string, cwd: string, args: string[]): Promise<void> {
  const common = ['--auth-host=scram-sha-256', '--auth-local=trust', '--encoding=UTF8', '--no-sync', ...args];
  const attempt = (locale: string) => run(...asServerUser(path.join(bin, 'initdb'), [...common, locale]), { cwd });
  try {
    await attempt('--locale=C.UTF-8');
  } catch {
    // Systems without the C.UTF-8 locale; initdb removed the half-made data dir itself.
    try {
      await attempt('--no-locale');
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      const hint = isRoot() ? `\n(As root, initdb runs as the postgres user, who must be able to reach ${cwd}.)` : '';
      throw new Error(`initdb failed: ${stderr || stdout || String(error)}${hint}`, { cause: error });
    }
  }
}

interface ServerProcess {
  ready(url: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
  /** SIGKILL, synchronously: for process 'exit' handlers. */
  kill(): void;
}

function spawnServer(bin: string, dir: string, dataDir: string, port: number): ServerProcess {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '100',
    TimeZone: 'Europe/Paris',
  };
  const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child: ChildProcess = spawn(...asServerUser(path.join(bin, 'postgres'), args), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Only the end of the log matters for an error message; read everything so the pipes never fill up.
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-16_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exit ${code ?? signal}`));
    child.once('error', (error) => resolve(error.message));
  });
  const alive = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  const kill = () => {
    if (alive()) child.kill('SIGKILL');
  };

  return {
    log: () => log,
    kill,
    async ready(url) {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      let exit: string | undefined;
      void exited.then((how) => (exit = how));
      for (;;) {
        const error = await withClient(url, () => Promise.resolve()).then(
          () => undefined,
          (e: Error) => e,
        );
        if (!error) return;
        if (exit !== undefined) throw new Error(`PostgreSQL stopped before accepting connections (${exit}):\n${log}`);
        if (Date.now() > deadline) {
          throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s (${error.message}):\n${log}`);
        }
        await sleep(25);
      }
    },
    async stop() {
      // SIGINT is PostgreSQL's fast shutdown: SIGTERM ("smart") would wait for every client, e.g. a leaked pool.
      if (alive()) child.kill('SIGINT');
      const timer = setTimeout(kill, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  // An error after connecting (server shutting down) must not become an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// Backends still exiting after a SIGKILL may write a last file; a retry or two covers that.
function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
