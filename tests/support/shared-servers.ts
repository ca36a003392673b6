// One PostgreSQL and one Redis server for a whole `npm test` run, rather than one per test file: global-setup.ts
// starts them when FLASHFLOW_TEST_SHARED_SERVERS=1 (scripts/test.js sets it) and each file gets its own database
// on PostgreSQL and its own numbered database on Redis. A file run alone (`npx vitest run <file>`) starts its own
// servers, as do the tests that stop or restart a server on purpose.
import { inject } from 'vitest';
import { postgresHandle, startPostgresServer, type PostgresServer } from './postgres-server';
import { redisCommand, startRedisServer, type RedisServer } from './redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://…/postgres of the run's shared server, as its superuser; '' when none is shared. */
    flashflowSharedPostgres: string;
    /** The port of the run's shared Redis server; 0 when none is shared. */
    flashflowSharedRedisPort: number;
  }
}

/** Redis databases 1…63 go to test files; 0 holds the counter that hands them out. */
const REDIS_DATABASES = 64;

export async function postgresForFile(): Promise<PostgresServer> {
  const url = inject('flashflowSharedPostgres');
  if (!url) return startPostgresServer();
  // The server outlives this file; its databases go with the server at the end of the run.
  return postgresHandle(url, async () => {});
}

export async function redisForFile(): Promise<RedisServer> {
  const port = inject('flashflowSharedRedisPort');
  if (!port) return startRedisServer();
  const db = Number((await redisCommand(port, 'INCR', 'flashflow-test:next-database')).slice(1));
  if (db >= REDIS_DATABASES) throw new Error(`the shared Redis server has no database left for another test file (${REDIS_DATABASES - 1} in use)`);
  return {
    url: `redis://127.0.0.1:${port}/${db}`,
    port,
    flushAll: () => Promise.reject(new Error('flushAll would empty every test file\'s database on the shared Redis server')),
    stop: async () => {},
  };
}

/** For global-setup.ts: the servers of the run, and how to stop them. */
export async function startSharedServers(): Promise<{ postgres: PostgresServer; redis: RedisServer }> {
  const [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  return { postgres, redis };
}
