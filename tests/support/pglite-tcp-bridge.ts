// Serves a PGlite instance on 127.0.0.1 over the PostgreSQL wire protocol, so the node-postgres code path
// (open-postgres.ts, @prisma/adapter-pg, pg's type parsers) runs in tests without a PostgreSQL server.
// PGlite is ONE session: clients are served one after another (use a pool of max 1), and each new client gets the
// session reset to `serverSettings` plus its startup `options` (`-c name=value`), as a fresh PostgreSQL backend
// would. Never use this outside tests (DESIGN.md §2).
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';

export interface PgliteTcpBridge {
  url: string;
  pglite: PGlite;
  close(): Promise<void>;
}

export interface PgliteTcpBridgeOptions {
  loadDataDir?: Blob;
  /** What postgresql.conf would set, e.g. { TimeZone: 'Europe/Paris' }. */
  serverSettings?: Record<string, string>;
}

const PROTOCOL_3 = 196608;

export async function startPgliteTcpBridge(options: PgliteTcpBridgeOptions = {}): Promise<PgliteTcpBridge> {
  const pglite = await PGlite.create(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  const sockets = new Set<Socket>();
  let previousClosed = Promise.resolve();

  const startSession = async (startup: Buffer): Promise<void> => {
    const settings = { ...options.serverSettings, ...startupSettings(startup) };
    const sets = Object.entries(settings).map(([name, value]) => `SET "${name}" TO '${value.replace(/'/g, "''")}';`);
    await pglite.exec(`RESET ALL; ${sets.join(' ')}`);
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.pause();
    const waitFor = previousClosed;
    previousClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    void waitFor.then(() => {
      // PGlite's wire-protocol entry point takes whole messages; keep them in order, one call at a time.
      let chain = Promise.resolve();
      let first = true;
      socket.on('data', (data) => {
        const isStartup = first && data.length >= 8 && data.readInt32BE(4) === PROTOCOL_3;
        first = false;
        chain = chain.then(async () => {
          if (isStartup) await startSession(data);
          const reply = await pglite.execProtocolRaw(new Uint8Array(data));
          if (reply.length > 0 && !socket.destroyed) socket.write(reply);
        });
      });
      socket.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pglite,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pglite.close();
    },
  };
}

/** `-c name=value` / `--name=value` pairs of the StartupMessage's `options` parameter. */
function startupSettings(startup: Buffer): Record<string, string> {
  const fields = startup.subarray(8, startup.readInt32BE(0)).toString('utf8').split('\0');
  const settings: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'options') continue;
    const words = (fields[i + 1] ?? '').split(/\s+/).filter(Boolean);
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      const pair = word === '-c' ? words[++w] : word.replace(/^(-c|--)/, '');
      const match = /^([^=]+)=(.*)$/.exec(pair ?? '');
      if (match) settings[match[1]!] = match[2]!;
    }
  }
  return settings;
}
