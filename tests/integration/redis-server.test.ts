// The real-Redis test server itself: it serves on 127.0.0.1, flushAll() empties it, and nothing is left listening
// after stop().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCommand, startRedisServer, type RedisServer } from '../support/redis-server';

let server: RedisServer;
let stopped = false;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  if (!stopped) await server?.stop();
});

describe('startRedisServer', () => {
  it('listens on 127.0.0.1 and keeps what is SET, byte lengths and all', async () => {
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await redisCommand(server.port, 'SET', 'ff:word', 'café')).toBe('+OK');
    expect(await redisCommand(server.port, 'GET', 'ff:word')).toBe('$5\r\ncafé');
  });

  it('flushAll removes every key', async () => {
    await redisCommand(server.port, 'SET', 'ff:flushed', 'soon gone');
    await server.flushAll();
    expect(await redisCommand(server.port, 'GET', 'ff:flushed')).toBe('$-1');
    expect(await redisCommand(server.port, 'DBSIZE')).toBe(':0');
  });

  it('stops: nothing accepts connections afterwards, and stopping again is harmless', async () => {
    await server.stop();
    stopped = true;
    await expect(redisCommand(server.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    await server.stop();
  });
});
