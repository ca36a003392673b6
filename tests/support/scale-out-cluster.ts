// Flashflow split into processes on real servers, for the scale-out tests: a webserver and an active scheduler on a
// PostgreSQL database of their own, with the BullMQ executor on Redis; workers and more schedulers are started by the
// test with `start`. Every process it starts is killed by `stop`.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { basicAuth, ensureTestBuild } from '../api/support/api-server';
import { FLASHFLOW_BIN, FlashflowProcess, freePort, makeHome, removeTempDirs } from './cli-harness';
import type { PostgresServer } from './postgres-server';
import type { RedisServer } from './redis-server';

export interface ScaleOutCluster {
  home: string;
  /** What every process gets: DATABASE_URL, REDIS_URL, FLASHFLOW_SECRET_KEY, FLASHFLOW_API_URL, … */
  env: Record<string, string>;
  web: { url: string; auth: Record<string, string> };
  scheduler: FlashflowProcess;
  processes: FlashflowProcess[];
  /** `flashflow <args>` with the cluster's environment (plus `extra`). */
  start(args: string[], extra?: Record<string, string>): FlashflowProcess;
  /** A REST API call as the admin; a non-2xx answer throws with its body. */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  /** A query on the cluster's database, on a connection of its own (servers may restart under a test). */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  dagsFolder: string;
  postgres: PostgresServer;
  redis: RedisServer;
  /** For every process, over the defaults (one runner process per worker). */
  env?: Record<string, string>;
  webEnv?: Record<string, string>;
  schedulerEnv?: Record<string, string>;
  /** Generous: on a busy 2-core machine a process's first start takes tens of seconds. */
  startTimeoutMs?: number;
}

export async function startScaleOutCluster(o: ClusterOptions): Promise<ScaleOutCluster> {
  const timeout = o.startTimeoutMs ?? 120_000;
  const [home] = await Promise.all([makeHome({ seeded: false }), ensureTestBuild()]);
  const env: Record<string, string> = {
    DATABASE_URL: await o.postgres.createDatabase(),
    REDIS_URL: o.redis.url,
    FLASHFLOW_SECRET_KEY: randomBytes(32).toString('base64'),
    FLASHFLOW_EXECUTOR_PROCESSES: '1',
    ...o.env,
  };
  const processes: FlashflowProcess[] = [];
  const start = (args: string[], extra: Record<string, string> = {}) => {
    const p = new FlashflowProcess([FLASHFLOW_BIN, ...args], { home, dagsFolder: o.dagsFolder, env: { ...env, ...extra } });
    processes.push(p);
    return p;
  };
  const webProcess = start(['webserver'], { PORT: String(await freePort()), ...o.webEnv });
  const scheduler = start(['scheduler'], { FLASHFLOW_EXECUTOR: 'bullmq', ...o.schedulerEnv });
  const [[, url = ''], [, password = '']] = await Promise.all([
    webProcess.waitFor(/webserver is running at (http:\/\/[\d.:]+)/, timeout),
    webProcess.waitFor(/sign in as 'admin' with password (\S+)/, timeout),
    // `(`: the line of the scheduler that holds the lock, not a standby's "waiting … while … is active".
    scheduler.waitFor(/scheduler is active \(/, timeout),
  ]);
  env.FLASHFLOW_API_URL = url;
  const web = { url, auth: basicAuth('admin', password) };
  return {
    home,
    env,
    web,
    scheduler,
    processes,
    start,
    api: async <T>(path: string, init: RequestInit = {}) => {
      const response = await fetch(`${url}/api/v1${path}`, { ...init, headers: { ...web.auth, 'content-type': 'application/json', ...init.headers } });
      if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    query: async <T>(sql: string, params: unknown[] = []) => {
      const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5_000 });
      client.on('error', () => {});
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end().catch(() => {});
      }
    },
    stop: async () => {
      for (const p of processes) p.killGroup();
      await removeTempDirs();
    },
  };
}
