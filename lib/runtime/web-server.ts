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

/** Runs after the gate let a request through; resolves true when it has answered it, false to leave it to Next. */
export type DirectRoutes = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export async function startWebServer(options: { dir: string; host: string; port: number; dev: boolean; gate: RequestGate; direct?: DirectRoutes }): Promise<WebServer> {
  const app = next({ dev: options.dev, dir: options.dir, hostname: options.host, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    options.gate(req, res).then(
      async (pass) => {
        if (pass && !(await options.direct?.(req, res))) await handle(req, res);
      },
      (err: unknown) => {
        // The gate failed (the database is gone, say): refuse rather than let an unchecked request through.
        console.error('request gate failed', err);
        refuse(res, 503, 'the server cannot check credentials right now; try again shortly');
      },
    ).catch((err: unknown) => {
      // A handler answers its own errors (api-route.ts); this is a request whose connection broke mid-body, say.
      console.error('request failed', err);
      refuse(res, 500, 'the request could not be answered');
    });
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

function refuse(res: ServerResponse, status: number, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ title: status === 503 ? 'Service Unavailable' : 'Internal Server Error', status, detail }));
}
