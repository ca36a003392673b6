// Serves the Next app from this process (so pages and route handlers share the engine's database
// handle) on 127.0.0.1 by default.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import next from 'next';

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(options: { dir: string; host: string; port: number; dev: boolean }): Promise<WebServer> {
  const app = next({ dev: options.dev, dir: options.dir, hostname: options.host, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => void handle(req, res));
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
