// `flashflow demo ftp`: a local FTP server (ftp-srv) holding the Iris demo files, so weekly_model_retrain and
// data_drift_detection run on a new machine with nothing else installed. Loopback only; one user whose name and
// password match the built-in `ftp_default` connection (lib/connections/default-connections.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { FtpSrv } from 'ftp-srv';
import { DEMO_FTP } from '../connections/default-connections';
import { irisDemoFiles } from './iris-files';

export const DEMO_FTP_DEFAULTS = { host: DEMO_FTP.host, port: DEMO_FTP.port, user: DEMO_FTP.login, password: DEMO_FTP.password } as const;

export interface DemoFtpOptions {
  /** Folder the files are written to and served from. */
  root: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  user?: string;
  password?: string;
}

export interface DemoFtpServer {
  port: number;
  /** ftp://user:password@host:port, as FLASHFLOW_CONN_FTP_DEFAULT takes it. */
  url: string;
  files: string[];
  close(): Promise<void>;
}

export async function startDemoFtpServer(options: DemoFtpOptions): Promise<DemoFtpServer> {
  const { host, user, password } = { ...DEMO_FTP_DEFAULTS, ...options };
  const files = irisDemoFiles();
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(options.root, name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  const server = new FtpSrv({
    url: `ftp://${host}:${options.port ?? DEMO_FTP_DEFAULTS.port}`,
    // Passive mode is what curl uses by default; data ports come from the high range ftp-srv probes for.
    pasv_url: host,
    pasv_min: 30000,
    pasv_max: 40000,
    greeting: 'Flashflow demo FTP server (Iris data)',
    log: quietLogger(),
  });
  server.on('login', ({ username, password: given }, resolve, reject) => {
    if (username === user && given === password) resolve({ root: options.root });
    else reject(new Error('invalid user name or password'));
  });
  await server.listen();
  // The typings leave out the net.Server ftp-srv listens with; it is the only way to learn a port picked by the OS.
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return {
    port,
    url: `ftp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}`,
    files: Object.keys(files),
    close: () => server.close(),
  };
}

/** ftp-srv logs every command through bunyan at info level; the demo prints its own one-line status instead. */
function quietLogger() {
  const noop = () => {};
  const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => logger };
  return logger as never;
}
