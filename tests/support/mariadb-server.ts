// A real MariaDB server for tests, from Debian's mariadb-server: a throw-away data dir in a temp dir, listening on
// 127.0.0.1 only, with one password-protected user that may do everything (root is reachable only by its socket).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type Connection } from 'mysql2/promise';
import { setprivCommand, spawnServerProcess, startInTempDir, type ServerProcess } from './server-process';

export interface MariaDbServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  /** A connection URI (FLASHFLOW_CONN_* form) for `database`, as the test user. */
  url(database?: string): string;
  /** Creates an empty database (default name ff_<random hex>) and returns its name. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and deletes its files; calling it again is harmless. */
  stop(): Promise<void>;
}

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const USER = 'flashflow';
const READY_TIMEOUT_MS = 30_000;
const DATA_DIR = 'data';
const INIT_FILE = 'init.sql';

// Durability is worth nothing in a temp dir; a small buffer pool and log make the data dir and the start quick.
const FAST_AND_LOOSE = [
  '--skip-log-bin',
  '--skip-name-resolve',
  '--innodb-buffer-pool-size=16M',
  '--innodb-log-file-size=8M',
  '--innodb-doublewrite=0',
  '--innodb-flush-log-at-trx-commit=0',
];

const run = promisify(execFile);

export async function startMariaDbServer(): Promise<MariaDbServer> {
  if (!existsSync(MARIADBD) || !existsSync(INSTALL_DB)) {
    throw new Error(
      `No MariaDB server at ${MARIADBD}: install Debian's mariadb-server package ` +
        '(apt-get install --no-install-recommends mariadb-server; `npm test` does it when run as root).',
    );
  }
  const password = randomBytes(18).toString('hex');
  const connect = (port: number) =>
    createConnection({ host: '127.0.0.1', port, user: USER, password, connectTimeout: 2_000 });
  const { port, stop } = await startInTempDir({
    name: 'MariaDB',
    dirPrefix: 'ff-mariadb-',
    prepare: (dir) => createDataDir(dir, password),
    spawn: (dir, candidate) => spawnMariaDb(dir, candidate),
    probe: async (candidate) => (await connect(candidate)).end(),
    readyTimeoutMs: READY_TIMEOUT_MS,
    portTaken: /Can't start server: Bind on TCP\/IP port|Address already in use/,
  });
  return {
    host: '127.0.0.1',
    port,
    user: USER,
    password,
    url: (database = '') => `mysql://${USER}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    createDatabase: async (name = `ff_${randomBytes(6).toString('hex')}`) => {
      await withConnection(await connect(port), (c) => c.query(`CREATE DATABASE \`${name.replace(/`/g, '``')}\``));
      return name;
    },
    stop,
  };
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** setpriv options that make the server's programs run as the mysql user when we are root. */
function serverUser(): string[] {
  // mariadbd refuses to run as root unless told to; the Debian package created the `mysql` user for it.
  return isRoot() ? ['--reuid=mysql', '--regid=mysql', '--init-groups'] : [];
}

async function createDataDir(dir: string, password: string): Promise<void> {
  // Read by the server at every start (a start retried on another port too), hence OR REPLACE.
  const quoted = password.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  await writeFile(
    path.join(dir, INIT_FILE),
    `CREATE OR REPLACE USER '${USER}'@'127.0.0.1' IDENTIFIED BY '${quoted}';\n` +
      `GRANT ALL PRIVILEGES ON *.* TO '${USER}'@'127.0.0.1' WITH GRANT OPTION;\n`,
    { mode: 0o600 },
  );
  if (isRoot()) await run('chown', ['-R', 'mysql:mysql', dir]);
  const args = ['--no-defaults', `--datadir=${path.join(dir, DATA_DIR)}`, '--skip-test-db', ...FAST_AND_LOOSE];
  try {
    await run(...setprivCommand(INSTALL_DB, args, serverUser()), { cwd: dir });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    const hint = isRoot() ? `\n(As root, mariadb-install-db runs as the mysql user, who must be able to reach ${dir}.)` : '';
    throw new Error(`mariadb-install-db failed: ${stderr || stdout || String(error)}${hint}`, { cause: error });
  }
}

function spawnMariaDb(dir: string, port: number): ServerProcess {
  const args = [
    // Ignore /etc/mysql/my.cnf: the system's settings (its socket, its log files) are not the test's.
    '--no-defaults',
    `--datadir=${path.join(dir, DATA_DIR)}`,
    '--bind-address=127.0.0.1',
    `--port=${port}`,
    `--socket=${path.join(dir, 'mysqld.sock')}`,
    `--pid-file=${path.join(dir, 'mysqld.pid')}`,
    `--init-file=${path.join(dir, INIT_FILE)}`,
    ...FAST_AND_LOOSE,
  ];
  // SIGTERM is mariadbd's normal shutdown, which does not wait for clients.
  return spawnServerProcess(MARIADBD, args, { cwd: dir, stopSignal: 'SIGTERM', setprivArgs: serverUser() });
}

async function withConnection<T>(connection: Connection, fn: (c: Connection) => Promise<T>): Promise<T> {
  try {
    return await fn(connection);
  } finally {
    await connection.end().catch(() => {});
  }
}
