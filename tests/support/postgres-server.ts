// A real PostgreSQL server for tests, from Debian's binaries: a throw-away cluster in a temp dir, listening on
// 127.0.0.1 only, with a server TimeZone that is deliberately not UTC (our code must pin its sessions itself).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { setprivCommand, spawnServerProcess, startInTempDir, type ServerProcess } from './server-process';

export interface PostgresServer {
  /** postgres://flashflow:<password>@127.0.0.1:<port>/postgres, as the superuser. */
  url: string;
  port: number;
  /** Creates an empty database (default name ff_<random hex>) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and deletes its files; calling it again is harmless. */
  stop(): Promise<void>;
}

/** A server this process started itself, which it may also restart (fault tests). */
export interface OwnPostgresServer extends PostgresServer {
  /** Fast shutdown, `whileDown`, then a start on the same port and data dir; resolves once it accepts connections. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'flashflow';
const READY_TIMEOUT_MS = 30_000;
const DATA_DIR = 'data';

const run = promisify(execFile);

export async function startPostgresServer(): Promise<OwnPostgresServer> {
  const bin = newestPostgresBin();
  const password = randomBytes(18).toString('hex');
  const url = (port: number, database: string) =>
    `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const { port, restart, stop } = await startInTempDir({
    name: 'PostgreSQL',
    dirPrefix: 'ff-pg-',
    prepare: (dir) => createCluster(bin, dir, password),
    spawn: (dir, candidate) => spawnPostgres(bin, dir, candidate),
    probe: (candidate) => withClient(url(candidate, 'postgres'), () => Promise.resolve()),
    readyTimeoutMs: READY_TIMEOUT_MS,
    portTaken: /could not bind|Address already in use/,
  });
  return { ...postgresHandle(url(port, 'postgres'), stop), restart };
}

/** The handle of a server known by its superuser URL: one this process started, or the test run's shared one. */
export function postgresHandle(superuserUrl: string, stop: () => Promise<void>): PostgresServer {
  return {
    url: superuserUrl,
    port: Number(new URL(superuserUrl).port),
    createDatabase: async (name = `ff_${randomBytes(6).toString('hex')}`) => {
      await withClient(superuserUrl, (client) => client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`));
      const target = new URL(superuserUrl);
      target.pathname = `/${encodeURIComponent(name)}`;
      return target.href;
    },
    stop,
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

/** setpriv options that make the server's programs run as the postgres user when we are root. */
function serverUser(): string[] {
  // PostgreSQL refuses to run as root; the Debian package created the `postgres` user for it.
  return isRoot() ? ['--reuid=postgres', '--regid=postgres', '--init-groups'] : [];
}

async function createCluster(bin: string, dir: string, password: string): Promise<void> {
  const pwfile = path.join(dir, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (isRoot()) await run('chown', ['-R', 'postgres:postgres', dir]);
  await initdb(bin, dir, [`--pwfile=${pwfile}`, `--username=${SUPERUSER}`, '-D', path.join(dir, DATA_DIR)]);
  await rm(pwfile);
}

async function initdb(bin: string, cwd: string, args: string[]): Promise<void> {
  const common = ['--auth-host=scram-sha-256', '--auth-local=trust', '--encoding=UTF8', '--no-sync', ...args];
  const attempt = (locale: string) =>
    run(...setprivCommand(path.join(bin, 'initdb'), [...common, locale], serverUser()), { cwd });
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

function spawnPostgres(bin: string, dir: string, port: number): ServerProcess {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '100',
    TimeZone: 'Europe/Paris',
  };
  const options = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  return spawnServerProcess(path.join(bin, 'postgres'), ['-D', path.join(dir, DATA_DIR), '-p', String(port), ...options], {
    cwd: dir,
    // SIGINT is PostgreSQL's fast shutdown: SIGTERM ("smart") would wait for every client, e.g. a leaked pool.
    stopSignal: 'SIGINT',
    setprivArgs: serverUser(),
  });
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
