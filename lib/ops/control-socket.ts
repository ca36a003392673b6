// The standalone server's control socket ($FLASHFLOW_HOME/control.sock, mode 600): CLI commands that need
// the embedded database run inside the server that holds it. One request a connection, answered with
// newline-delimited JSON: any number of {progress} lines, then one {ok, result} or {ok: false, error}.
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const CONTROL_SOCKET = 'control.sock';

export type ControlHandler = (command: string, args: Record<string, unknown>, progress: (line: string) => void) => Promise<unknown>;

export function controlSocketPath(home: string): string {
  return path.join(home, CONTROL_SOCKET);
}

export async function serveControlSocket(home: string, handler: ControlHandler): Promise<{ close(): Promise<void> }> {
  const socketPath = controlSocketPath(home);
  // Only the holder of the home lock gets here, so a socket file left behind is stale.
  if (existsSync(socketPath)) unlinkSync(socketPath);
  const server = net.createServer((conn) => {
    let buffer = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      const line = buffer.slice(0, nl);
      buffer = '';
      void answer(conn, line, handler);
    });
    conn.on('error', () => conn.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (existsSync(socketPath)) unlinkSync(socketPath);
      }),
  };
}

async function answer(conn: net.Socket, line: string, handler: ControlHandler): Promise<void> {
  const write = (msg: unknown) => {
    if (!conn.destroyed) conn.write(`${JSON.stringify(msg)}\n`);
  };
  try {
    const req = JSON.parse(line) as { command: string; args?: Record<string, unknown> };
    const result = await handler(req.command, req.args ?? {}, (progress) => write({ progress }));
    write({ ok: true, result });
  } catch (err) {
    write({ ok: false, error: (err as Error).message, name: (err as Error).name });
  }
  conn.end();
}

/** Nothing listens on the control socket: no server holds the home, or it is still starting. */
export class ControlSocketUnavailableError extends Error {
  override name = 'ControlSocketUnavailableError';
}

/** Sends one command to a running server; progress lines are passed on as they arrive. */
export function callControlSocket(
  home: string,
  command: string,
  args: Record<string, unknown>,
  onProgress: (line: string) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(controlSocketPath(home));
    let buffer = '';
    let settled = false;
    conn.setEncoding('utf8');
    let connected = false;
    conn.on('connect', () => {
      connected = true;
      conn.write(`${JSON.stringify({ command, args })}\n`);
    });
    conn.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const msg = JSON.parse(buffer.slice(0, nl)) as { progress?: string; ok?: boolean; result?: unknown; error?: string; name?: string };
        buffer = buffer.slice(nl + 1);
        if (msg.progress !== undefined) {
          onProgress(msg.progress);
          continue;
        }
        settled = true;
        if (msg.ok) resolve(msg.result);
        else reject(Object.assign(new Error(msg.error), { name: msg.name ?? 'Error' }));
      }
    });
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      const message = `cannot reach the running Flashflow server at ${controlSocketPath(home)}: ${err.message}`;
      const unavailable = !connected && (err.code === 'ENOENT' || err.code === 'ECONNREFUSED');
      reject(unavailable ? new ControlSocketUnavailableError(message) : new Error(message));
    });
    conn.on('close', () => !settled && reject(new Error('the Flashflow server closed the control connection without answering')));
  });
}
