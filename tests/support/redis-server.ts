// A real Redis server for tests, from Debian's redis-server binary: listening on 127.0.0.1 only, nothing persisted,
// its working dir a temp dir. Spoken to over the raw wire protocol (RESP), so tests need no Redis client package.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { spawnServerProcess, startInTempDir, type ServerProcess } from './server-process';

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Empties every database. */
  flushAll(): Promise<void>;
  /** Stops the server and deletes its files; calling it again is harmless. */
  stop(): Promise<void>;
}

/** A server this process started itself, which it may also restart (fault tests). */
export interface OwnRedisServer extends RedisServer {
  /** Stops it, runs `whileDown`, starts it again on the same port: empty, as nothing is persisted. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

const REDIS_SERVER = '/usr/bin/redis-server';
const READY_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 2_000;

export async function startRedisServer(): Promise<OwnRedisServer> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(
      `No Redis server at ${REDIS_SERVER}: install Debian's redis-server package ` +
        '(apt-get install --no-install-recommends redis-server; `npm test` does it when run as root).',
    );
  }
  const { port, restart, stop } = await startInTempDir({
    name: 'Redis',
    dirPrefix: 'ff-redis-',
    spawn: spawnRedis,
    probe: (candidate) => expectReply(candidate, ['PING'], '+PONG'),
    readyTimeoutMs: READY_TIMEOUT_MS,
    portTaken: /Address already in use/,
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    flushAll: () => expectReply(port, ['FLUSHALL'], '+OK'),
    restart,
    stop,
  };
}

function spawnRedis(dir: string, port: number): ServerProcess {
  // No snapshots and no append-only file: test data is thrown away, and nothing should touch the disk.
  // 64 databases: the server a whole test run shares gives each test file its own (shared-servers.ts).
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--databases', '64'];
  // Redis may run as root, so no user switch; SIGTERM makes it shut down at once when it has nothing to save.
  return spawnServerProcess(REDIS_SERVER, [...args, '--protected-mode', 'yes', '--daemonize', 'no'], {
    cwd: dir,
    stopSignal: 'SIGTERM',
  });
}

async function expectReply(port: number, command: string[], expected: string): Promise<void> {
  const reply = await redisCommand(port, ...command);
  if (reply !== expected) throw new Error(`Redis answered ${command[0]} with ${JSON.stringify(reply)}, not ${expected}`);
}

/**
 * Sends one command to the Redis server on 127.0.0.1:`port` and resolves with its reply as sent, without the final
 * CRLF: "+OK", "-ERR …", ":1", "$5\r\nvalue", "$-1" (nil). Replies of other types (arrays, RESP3) are refused.
 */
export function redisCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      outcome();
    };
    socket.setTimeout(COMMAND_TIMEOUT_MS, () =>
      settle(() => reject(new Error(`Redis did not answer ${args[0]} within ${COMMAND_TIMEOUT_MS / 1000} s`))),
    );
    socket.on('connect', () => socket.write(encodeCommand(args)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        const length = replyLength(received);
        if (length !== undefined) settle(() => resolve(received.subarray(0, length - 2).toString('utf8')));
      } catch (error) {
        settle(() => reject(error));
      }
    });
    socket.on('error', (error) => settle(() => reject(error)));
    socket.on('close', () => settle(() => reject(new Error(`Redis closed the connection before a full reply to ${args[0]}`))));
  });
}

function encodeCommand(args: string[]): Buffer {
  const parts = args.map((arg) => Buffer.from(arg, 'utf8'));
  // Bulk-string lengths count bytes, not characters.
  return Buffer.concat([
    Buffer.from(`*${parts.length}\r\n`),
    ...parts.flatMap((part) => [Buffer.from(`$${part.length}\r\n`), part, Buffer.from('\r\n')]),
  ]);
}

/** Bytes of the first complete reply in `data`, CRLF included, or undefined while more is to come. */
function replyLength(data: Buffer): number | undefined {
  const lineEnd = data.indexOf('\r\n');
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(data[0] ?? 0);
  if (type === '+' || type === '-' || type === ':') return lineEnd + 2;
  if (type === '$') {
    const size = Number(data.subarray(1, lineEnd).toString('ascii'));
    const total = size < 0 ? lineEnd + 2 : lineEnd + 2 + size + 2;
    return data.length >= total ? total : undefined;
  }
  throw new Error(`Unsupported Redis reply: ${JSON.stringify(data.subarray(0, lineEnd).toString('utf8'))}`);
}
