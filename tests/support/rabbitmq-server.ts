// A throw-away RabbitMQ node for tests, from Debian's rabbitmq-server: its own epmd, everything on 127.0.0.1 only,
// its database, logs and Erlang cookie in a temp dir, one user and one vhost loaded from a definitions file.
//
// Started as `erl -s rabbit boot` rather than through Debian's scripts, for speed (about 5 s instead of 12): the
// node's code path holds only the applications rabbit needs, not the ~70 plugins of the package, whose modules
// RabbitMQ would otherwise scan twice at boot (for feature flags and boot steps); and it is named on the command
// line, so RabbitMQ skips starting a second Erlang VM just to launch epmd.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { freePort, spawnServerProcess, startInTempDir } from './server-process';

export interface RabbitMqServer {
  port: number;
  user: string;
  password: string;
  vhost: string;
  /** Connection URI (FLASHFLOW_CONN_* form) of the test user, or of `login`/`password` instead. */
  uri(credentials?: { login: string; password: string }): string;
  /** Stops the node and its epmd and deletes their files; calling it again is harmless. */
  stop(): Promise<void>;
}

const RABBITMQ_LIB = '/usr/lib/rabbitmq/lib';
const ERL = '/usr/lib/erlang/bin/erl';
const EPMD = '/usr/lib/erlang/bin/epmd';
const READY_TIMEOUT_MS = 30_000;
// A password and a vhost with the characters a connection URI must percent-encode.
const USER = 'flashflow';
const PASSWORD = 'p@ss:w/rd%25-7f3c';
const VHOST = 'flashflow/tests';

export async function startRabbitMqServer(): Promise<RabbitMqServer> {
  const home = rabbitHome();
  const epmd = await startInTempDir({
    name: 'epmd',
    dirPrefix: 'ff-epmd-',
    // epmd always adds the loopback addresses (127.0.0.1 and ::1) to those it is given; it listens on no other.
    spawn: (dir, port) => spawnServerProcess(EPMD, ['-address', '127.0.0.1', '-port', String(port)], { cwd: dir, stopSignal: 'SIGKILL' }),
    probe: tcpProbe,
    readyTimeoutMs: 5_000,
    portTaken: /in use/i,
  });
  try {
    const distPort = await freePort();
    const node = await startInTempDir({
      name: 'RabbitMQ',
      dirPrefix: 'ff-rabbitmq-',
      prepare: (dir) => prepareNodeDir(dir, home),
      spawn: (dir, port) => {
        const nodename = `ff${randomBytes(4).toString('hex')}@localhost`;
        const env = {
          HOME: path.join(dir, 'home'),
          RABBITMQ_HOME: home,
          RABBITMQ_NODENAME: nodename,
          RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
          RABBITMQ_NODE_PORT: String(port),
          RABBITMQ_DIST_PORT: String(distPort),
          RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
          RABBITMQ_LOG_BASE: path.join(dir, 'log'),
          RABBITMQ_PLUGINS_DIR: path.join(dir, 'lib'),
          RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
          RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
          RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
          RABBITMQ_CONF_ENV_FILE: '/dev/null',
          ERL_LIBS: path.join(dir, 'lib'),
          ERL_EPMD_ADDRESS: '127.0.0.1',
          ERL_EPMD_PORT: String(epmd.port),
          // Host names from /etc/hosts only: a sandbox's DNS may make each lookup wait for a timeout.
          ERL_INETRC: path.join(dir, 'inetrc'),
        };
        const erlArgs = [
          '-noinput', '-boot', 'start_sasl', '-s', 'rabbit', 'boot',
          '-sname', nodename, '-start_epmd', 'false',
          '-kernel', 'inet_dist_use_interface', '{127,0,0,1}',
          '-kernel', 'inet_dist_listen_min', String(distPort), '-kernel', 'inet_dist_listen_max', String(distPort),
          '+W', 'w', '-syslog', 'logger', '[]', '-syslog', 'syslog_error_logger', 'false',
        ];
        // `env` sets the node's environment and execs erl, which execs the VM: the pid we hold stays the node's.
        const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
        // Nothing to keep: SIGKILL ends it at once, and its port helpers end when their pipes close.
        return spawnServerProcess('/usr/bin/env', [...envArgs, ERL, ...erlArgs], { cwd: dir, stopSignal: 'SIGKILL' });
      },
      // The AMQP listener opens after the definitions are loaded, so a port that accepts means the user exists.
      probe: tcpProbe,
      readyTimeoutMs: READY_TIMEOUT_MS,
      portTaken: /eaddrinuse/i,
    });
    const uri = (credentials = { login: USER, password: PASSWORD }) =>
      `amqp://${encodeURIComponent(credentials.login)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${node.port}/${encodeURIComponent(VHOST)}`;
    let stopping: Promise<void> | undefined;
    return {
      port: node.port,
      user: USER,
      password: PASSWORD,
      vhost: VHOST,
      uri,
      stop: () => (stopping ??= node.stop().finally(() => epmd.stop())),
    };
  } catch (error) {
    await epmd.stop();
    throw error;
  }
}

function rabbitHome(): string {
  const release = existsSync(RABBITMQ_LIB) ? readdirSync(RABBITMQ_LIB).find((d) => d.startsWith('rabbitmq_server-')) : undefined;
  if (!release || !existsSync(ERL)) {
    throw new Error(
      `No RabbitMQ server under ${RABBITMQ_LIB}: install Debian's rabbitmq-server package ` +
        '(apt-get install --no-install-recommends rabbitmq-server; `npm test` does it when run as root).',
    );
  }
  return path.join(RABBITMQ_LIB, release);
}

async function prepareNodeDir(dir: string, home: string): Promise<void> {
  await mkdir(path.join(dir, 'home'));
  const lib = path.join(dir, 'lib');
  await mkdir(lib);
  const plugins = path.join(home, 'plugins');
  for (const app of applicationsOf('rabbit', plugins)) await symlink(path.join(plugins, app), path.join(lib, app));
  // No plugins: no management UI listening on a second port.
  await writeFile(path.join(dir, 'enabled_plugins'), '[].\n');
  await writeFile(path.join(dir, 'inetrc'), '{lookup, [file]}.\n');
  // The definitions replace the default guest user and vhost: only what the tests name exists.
  const definitions = {
    users: [{ name: USER, password: PASSWORD, tags: '' }],
    vhosts: [{ name: VHOST }],
    permissions: [{ user: USER, vhost: VHOST, configure: '.*', write: '.*', read: '.*' }],
  };
  await writeFile(path.join(dir, 'definitions.json'), JSON.stringify(definitions));
  await writeFile(path.join(dir, 'advanced.config'), `[{rabbit, [{load_definitions, ${JSON.stringify(path.join(dir, 'definitions.json'))}}]}].\n`);
}

/**
 * The folders (name-version) under `plugins` of `app` and every application it needs, read from the
 * `{applications, [...]}` of their .app files; those not there (kernel, ssl, …) come with Erlang itself.
 */
function applicationsOf(app: string, plugins: string): string[] {
  const folders = new Map(readdirSync(plugins).map((d) => [d.replace(/-[0-9][^-]*$/, ''), d]));
  const found = new Set<string>();
  const visit = (name: string) => {
    const folder = folders.get(name);
    if (!folder || found.has(folder)) return;
    found.add(folder);
    const spec = readFileSync(path.join(plugins, folder, 'ebin', `${name}.app`), 'utf8');
    const needs = /\{\s*applications\s*,\s*\[([^\]]*)\]/.exec(spec)?.[1] ?? '';
    for (const dep of needs.split(',')) if (dep.trim()) visit(dep.trim());
  };
  visit(app);
  return [...found];
}

function tcpProbe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
