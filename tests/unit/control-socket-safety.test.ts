// Who can reach the control socket and what it reads: only the home's user, from the first moment it listens,
// and one bounded line a connection.
import { chmodSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { callControlSocket, controlSocketPath, serveControlSocket } from '../../lib/ops/control-socket';
import { loadSecretBox } from '../../lib/secrets/secret-key';

const scratch = mkdtempSync(path.join(tmpdir(), 'flashflow-control-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const newHome = () => mkdtempSync(path.join(scratch, 'home-'));
const mode = (file: string) => statSync(file).mode & 0o777;

/** Sends raw bytes and collects the answer until the server closes the connection. */
function exchange(socketPath: string, payload: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socketPath);
    let answer = '';
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => (answer += chunk));
    conn.on('close', () => resolve(answer));
    // The server may close while we are still writing: the answer already read is what counts.
    conn.on('error', (err: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(err.code ?? '') ? undefined : reject(err)));
    conn.write(payload);
  });
}

describe('control socket', () => {
  it('listens only where no other user can connect, and ends up at $home/control.sock with mode 600', async () => {
    const home = newHome();
    const listen = vi.spyOn(net.Server.prototype, 'listen');
    const control = await serveControlSocket(home, async () => 'pong');
    try {
      // The path it was bound at lived in a folder of its own, private (0700) before the socket existed in it.
      const boundAt = String(listen.mock.calls[0]?.[0]);
      expect(path.dirname(boundAt)).not.toBe(home);
      expect(path.dirname(path.dirname(boundAt))).toBe(home);
      const sock = statSync(controlSocketPath(home));
      expect(sock.isSocket()).toBe(true);
      expect(mode(controlSocketPath(home))).toBe(0o600);
      expect(readdirSync(home)).toEqual(['control.sock']);
      expect(await callControlSocket(home, 'ping', {}, () => {})).toBe('pong');
    } finally {
      await control.close();
    }
  });

  it('binds inside a folder that is 0700 at the moment it binds, even in a home others may enter', async () => {
    const home = newHome();
    chmodSync(home, 0o755); // a home made by a version before homes were created 0700
    let folderMode = -1;
    const original = net.Server.prototype.listen;
    vi.spyOn(net.Server.prototype, 'listen').mockImplementation(function (this: net.Server, ...args: unknown[]) {
      folderMode = mode(path.dirname(String(args[0])));
      return (original as (...a: unknown[]) => net.Server).apply(this, args);
    });
    await (await serveControlSocket(home, async () => null)).close();
    expect(folderMode).toBe(0o700);
  });

  it('replaces a socket file left by a killed server', async () => {
    const home = newHome();
    // What a SIGKILLed server leaves: a socket file nothing listens on (libuv removes it only on a clean close).
    const killed = net.createServer();
    await new Promise<void>((resolve) => killed.listen(path.join(home, 'elsewhere.sock'), resolve));
    renameSync(path.join(home, 'elsewhere.sock'), controlSocketPath(home));
    await new Promise((resolve) => killed.close(resolve));
    expect(statSync(controlSocketPath(home)).isSocket()).toBe(true);

    const control = await serveControlSocket(home, async () => 'fresh');
    try {
      expect(await callControlSocket(home, 'ping', {}, () => {})).toBe('fresh');
    } finally {
      await control.close();
    }
  });

  it('answers a line longer than its bound with an error and closes, without calling the handler', async () => {
    const home = newHome();
    const handler = vi.fn(async () => 'never');
    const control = await serveControlSocket(home, handler, { maxRequestBytes: 1024 });
    try {
      const answer = await exchange(controlSocketPath(home), Buffer.alloc(64 * 1024, 'x'));
      expect(JSON.parse(answer)).toEqual({
        ok: false,
        name: 'RequestTooLargeError',
        error: 'request too large: the control socket reads one line of at most 1024 bytes',
      });
      expect(handler).not.toHaveBeenCalled();
      // A request within the bound, split over several writes, is still read.
      const fits = `${JSON.stringify({ command: 'ping', args: { pad: 'y'.repeat(900) } })}\n`;
      expect(JSON.parse(await exchange(controlSocketPath(home), Buffer.from(fits)))).toEqual({ ok: true, result: 'never' });
    } finally {
      await control.close();
    }
  });

  it('refuses a request that is not {command, args} with a message naming the field', async () => {
    const home = newHome();
    const control = await serveControlSocket(home, async () => 'never');
    try {
      const answer = JSON.parse(await exchange(controlSocketPath(home), Buffer.from('{"args": {}}\n'))) as { ok: boolean; error: string };
      expect(answer.ok).toBe(false);
      expect(answer.error).toMatch(/^control request: command: /);
    } finally {
      await control.close();
    }
  });
});

describe('home folder', () => {
  it('is created private to its user (0700) where the secret key is generated', () => {
    const home = path.join(newHome(), 'parent', '.flashflow');
    loadSecretBox({ home });
    expect(mode(home)).toBe(0o700);
  });
});
