// `npm run bench -- scale-cpu`: where Flashflow's CPU per task goes, in about a minute instead of the ten of
// `scale`. Webserver + scheduler + 1 worker on PostgreSQL and Redis, catalog_request triggered at one fixed rate
// well under saturation (SCALE_CPU_RATE req/s, default 5, SCALE_CPU_RUNS runs, default 200), then per task: the
// CPU milliseconds of each process tree, the worker's service calls to the webserver by method (counted by a
// proxy between them, whose own CPU counts as the bench's), PostgreSQL statements (pg_stat_statements, the
// busiest listed) and Redis commands.
import http from 'node:http';
import pg from 'pg';
import { report } from './report';
import { catalogDagsFolder, killLiveProcesses, launchTracked, startScaleOut } from './scale-flashflow';
import { runStep, type RampOptions } from './scale-load';
import { cpuByLabel } from './process-cpu';
import { makeHome, removeTempDirs, type FlashflowProcess } from '../tests/support/cli-harness';
import { startPostgresServer } from '../tests/support/postgres-server';
import { redisCommand, startRedisServer } from '../tests/support/redis-server';

const TASKS_PER_REQUEST = 4;
const MODEL = { latencyMs: 20, cpuMs: 1, errorRate: 0.01 };
const WARM_UP_RUNS = 10;
const TOP_STATEMENTS = 16;

export interface ScaleCpu {
  tasks: number;
  rate: number;
  /** CPU ms per task by process tree (webserver, scheduler, worker, postgres, redis, model, bench). */
  cpuMsPerTask: Record<string, number>;
  serviceCallsPerTask: Record<string, number>;
  sqlPerTask: number;
  topStatements: { calls: number; ms: number; query: string }[];
  redisCommandsPerTask: number;
  p50Ms: number;
  p95Ms: number;
}

/** An HTTP proxy to `target` counting the task service calls that pass, by method. */
async function countingProxy(target: string, counts: Map<string, number>): Promise<{ url: string; close(): void }> {
  const agent = new http.Agent({ keepAlive: true });
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const method = (JSON.parse(body.toString('utf8')) as { method?: string }).method ?? req.url ?? '?';
        counts.set(method, (counts.get(method) ?? 0) + 1);
      } catch {
        counts.set(req.url ?? '?', (counts.get(req.url ?? '?') ?? 0) + 1);
      }
      const out = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function redisCommands(port: number): Promise<number> {
  const info = await redisCommand(port, 'INFO', 'stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN);
}

export async function measureScaleCpu(log: (line: string) => void): Promise<ScaleCpu> {
  const rate = Number(process.env.SCALE_CPU_RATE ?? 5);
  const runs = Number(process.env.SCALE_CPU_RUNS ?? 200);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killLiveProcesses();
      process.kill(process.pid, signal);
    });
  }
  const [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  // Per-statement counts: pg_stat_statements must be loaded at server start.
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await admin.end();
  await postgres.restart();
  let model: FlashflowProcess | null = null;
  const calls = new Map<string, number>();
  let proxy: { close(): void } | null = null;
  try {
    const dagsFolder = await catalogDagsFolder();
    model = launchTracked(
      ['demo', 'model-server', '--port', '0', '--latency-ms', String(MODEL.latencyMs), '--cpu-ms', String(MODEL.cpuMs), '--error-rate', String(MODEL.errorRate)],
      await makeHome({ seeded: false }),
      dagsFolder,
    );
    const [, modelUrl = ''] = await model.waitFor(/demo model server on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    const setup = await startScaleOut({
      postgres, redisUrl: redis.url, modelUrl, dagsFolder, workers: 1,
      workerApiUrl: async (url) => {
        const p = await countingProxy(url, calls);
        proxy = p;
        return p.url;
      },
    });
    const roles = new Map([[model.pid, 'model'], ...setup.roles]);
    const db = new pg.Client({ connectionString: setup.databaseUrl });
    await db.connect();
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const options: RampOptions = {
      label: 'scale-cpu', startRate: rate, maxRate: rate, stepS: runs / rate, drainS: 60, pollMs: 200, maxTriggersInFlight: 64,
      latencyFactor: Infinity, latencyAllowanceMs: 0, minCompletionShare: 0, log, sample: () => cpuByLabel(roles),
    };
    const ids: string[] = [];
    try {
      // The runner imports the DAG file and its packages on the first tries: not what a task costs.
      await runStep(setup.target, rate, { ...options, stepS: WARM_UP_RUNS / rate }, 'warm', ids, null);
      calls.clear();
      if (process.env.SCALE_CPU_REDIS_STATS) await redisCommand(redis.port, 'CONFIG', 'RESETSTAT');
      await db.query('SELECT pg_stat_statements_reset()');
      const redisBefore = await redisCommands(redis.port);
      const cpuBefore = cpuByLabel(roles);
      const step = await runStep(setup.target, rate, options, 'cpu', ids, null);
      const cpuAfter = cpuByLabel(roles);
      const redisAfter = await redisCommands(redis.port);
      // SCALE_CPU_REDIS_STATS=1: Redis's count of each command over the measured runs.
      if (process.env.SCALE_CPU_REDIS_STATS) log(await redisCommand(redis.port, 'INFO', 'commandstats'));
      const tasks = step.done * TASKS_PER_REQUEST;
      const statements = (await db.query<{ calls: string; ms: number; query: string }>(
        `SELECT s.calls::text, s.total_exec_time AS ms, s.query FROM pg_stat_statements s
          WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY s.calls DESC`,
      )).rows;
      const perTask = (n: number) => n / tasks;
      const cpuMsPerTask = Object.fromEntries(Object.entries(cpuAfter).map(([k, s]) => [k, ((s - (cpuBefore[k] ?? 0)) * 1000) / tasks]));
      const result: ScaleCpu = {
        tasks,
        rate,
        cpuMsPerTask,
        serviceCallsPerTask: Object.fromEntries([...calls].map(([k, v]) => [k, perTask(v)])),
        sqlPerTask: perTask(statements.reduce((a, s) => a + Number(s.calls), 0)),
        topStatements: statements.slice(0, TOP_STATEMENTS).map((s) => ({ calls: perTask(Number(s.calls)), ms: s.ms / tasks, query: s.query.replace(/\s+/g, ' ').slice(0, 160) })),
        redisCommandsPerTask: perTask(redisAfter - redisBefore),
        p50Ms: step.p50Ms,
        p95Ms: step.p95Ms,
      };
      if (step.done !== step.sent || step.failed > 0) log(`  warning: ${step.done}/${step.sent} ended, ${step.failed} failed`);
      return result;
    } finally {
      await db.end();
      await setup.stopAndCheck(ids).then((problems) => problems.length && log(`  ${problems.length} requests did not end as they should: ${problems.slice(0, 5).join('; ')}`));
    }
  } finally {
    (proxy as { close(): void } | null)?.close();
    model?.killGroup();
    await Promise.all([postgres.stop(), redis.stop()]);
    await removeTempDirs();
  }
}

export function reportScaleCpu(r: ScaleCpu): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const flashflow = ['webserver', 'scheduler', 'worker', 'postgres', 'redis'];
  const total = flashflow.reduce((a, k) => a + (r.cpuMsPerTask[k] ?? 0), 0);
  out(`CPU ms per task at ${r.rate} req/s, ${r.tasks} tasks, 1 worker: ${Object.entries(r.cpuMsPerTask).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  out(`service calls per task: ${Object.entries(r.serviceCallsPerTask).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ') || 'none'}`);
  out(`SQL statements per task: ${r.sqlPerTask.toFixed(1)}; Redis commands per task: ${r.redisCommandsPerTask.toFixed(1)}`);
  out('busiest statements (per task: calls, exec ms):');
  for (const s of r.topStatements) out(`  ${s.calls.toFixed(2).padStart(6)} ${s.ms.toFixed(3).padStart(7)}  ${s.query}`);
  report({ name: 'scale_cpu_ms_per_task', value: total, unit: 'ms', note: `webserver + scheduler + worker + PostgreSQL + Redis, 1 worker at ${r.rate} req/s; p50 ${Math.round(r.p50Ms)} ms, p95 ${Math.round(r.p95Ms)} ms` });
  for (const k of flashflow) report({ name: `scale_cpu_ms_per_task_${k}`, value: r.cpuMsPerTask[k] ?? 0, unit: 'ms' });
}
