// Serves the Next app from this process (so pages and route handlers share the engine's database
// handle) on 127.0.0.1 by default.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import next from 'next';

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/** Runs before Next on every request; resolves false when it has answered the request itself. */
export type RequestGate = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export async function startWebServer(options: { dir: string; host: string; port: number; dev: boolean; gate: RequestGate }): Promise<WebServer> {
  const app = next({ dev: options.dev, dir: options.dir, hostname: options.host, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    options.gate(req, res).then(
      (pass) => (pass ? handle(req, res) : undefined),
      (err: unknown) => {
        // The gate failed (the database is gone, say): refuse rather than let an unchecked request through.
        console.error('request gate failed', err);
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'the server cannot check credentials right now; try again shortly' }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${options.port} on ${options.host} is already in use; set PORT to another port`) : err),
    );
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close?.();
    },
  };
}
