// The standalone server's control socket ($FLASHFLOW_HOME/control.sock, mode 600): CLI commands that need
// the embedded database run inside the server that holds it. One request a connection, answered with
// newline-delimited JSON: any number of {progress} lines, then one {ok, result} or {ok: false, error}.
import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { parseInput } from '../kernel/zod-issues';

export const CONTROL_SOCKET = 'control.sock';
/** The longest request line read; `variables import` sends a whole file, anything beyond this is not a request. */
export const MAX_CONTROL_REQUEST_BYTES = 8 * 1024 * 1024;

const controlRequest = z.object({ command: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}) });

export type ControlHandler = (command: string, args: Record<string, unknown>, progress: (line: string) => void) => Promise<unknown>;

export function controlSocketPath(home: string): string {
  return path.join(home, CONTROL_SOCKET);
}

export async function serveControlSocket(
  home: string,
  handler: ControlHandler,
  options: { maxRequestBytes?: number } = {},
): Promise<{ close(): Promise<void> }> {
  const socketPath = controlSocketPath(home);
  const maxRequestBytes = options.maxRequestBytes ?? MAX_CONTROL_REQUEST_BYTES;
  const server = net.createServer((conn) => readOneRequest(conn, maxRequestBytes, handler));
  // Bound inside a folder only this user can enter (mkdtemp makes it 0700), made 0600, then renamed into place:
  // at no moment can another user connect, whatever the mode of the home (homes made before 0700 may be 0755).
  // The rename also replaces a socket left by a killed server; only the holder of the home lock gets here.
  const privateDir = mkdtempSync(path.join(home, '.control-'));
  try {
    const boundPath = path.join(privateDir, CONTROL_SOCKET);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(boundPath, resolve);
    });
    chmodSync(boundPath, 0o600);
    renameSync(boundPath, socketPath);
  } catch (err) {
    server.close();
    throw err;
  } finally {
    rmSync(privateDir, { recursive: true, force: true });
  }
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (existsSync(socketPath)) unlinkSync(socketPath);
      }),
  };
}

/** Reads up to the first newline, at most maxBytes: a client that sends more without one is answered and cut off. */
function readOneRequest(conn: net.Socket, maxBytes: number, handler: ControlHandler): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    const nl = chunk.indexOf(0x0a);
    const take = nl < 0 ? chunk : chunk.subarray(0, nl);
    size += take.length;
    if (size > maxBytes) {
      conn.removeListener('data', onData);
      const error = `request too large: the control socket reads one line of at most ${maxBytes} bytes`;
      // Destroyed once the answer is out: a client that keeps sending is not read any further.
      conn.end(`${JSON.stringify({ ok: false, error, name: 'RequestTooLargeError' })}\n`, () => conn.destroy());
      return;
    }
    chunks.push(take);
    if (nl < 0) return;
    // One request a connection: whatever follows its line is ignored.
    conn.removeListener('data', onData);
    void answer(conn, Buffer.concat(chunks).toString('utf8'), handler);
  };
  conn.on('data', onData);
  conn.on('error', () => conn.destroy());
}

async function answer(conn: net.Socket, line: string, handler: ControlHandler): Promise<void> {
  const write = (msg: unknown) => {
    if (!conn.destroyed) conn.write(`${JSON.stringify(msg)}\n`);
  };
  try {
    const req = parseInput(controlRequest, JSON.parse(line), 'control request');
    const result = await handler(req.command, req.args, (progress) => write({ progress }));
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
