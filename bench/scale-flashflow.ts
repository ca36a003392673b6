// Flashflow as the scale bench runs it, as real processes: `flashflow standalone` on its embedded database, or
// `flashflow webserver` + `flashflow scheduler` (bullmq executor) + N `flashflow worker`s on PostgreSQL and Redis.
// Requests go through the REST API; ends are read from it too, a page of runs ended since a moving mark at each
// poll, however many requests are out. The web build is checked before each start (under the tests' build lock),
// since tests running beside the bench rebuild it when the sources change.
import { randomBytes } from 'node:crypto';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { KeepAlivePool, request } from '../lib/kernel/http-request';
import { openDatabase } from '../lib/store/database';
import { basicAuth, ensureTestBuild } from '../tests/api/support/api-server';
import { FLASHFLOW_BIN, FlashflowProcess, freePort, makeHome, makeTempDir, REPO_ROOT } from '../tests/support/cli-harness';
import type { PostgresServer } from '../tests/support/postgres-server';
import { benchDocument } from './raw-bullmq-chain';
import type { Completion, LoadTarget } from './scale-load';

const DAG_ID = 'catalog_request';
const START_TIMEOUT_MS = 120_000;
/** Runs whose end commits late may carry an end before the latest one seen: each poll looks back this far. */
const LOOK_BACK_MS = 3_000;
const PAGE = 1_000;
/** A Flashflow worker's slots: one runner process × 16, as the raw baseline's worker has 16. */
export const WORKER_SLOTS = 16;

export interface FlashflowSetup {
  target: LoadTarget;
  /** Root pids by role (webserver, scheduler, worker, standalone), for the CPU figures. */
  roles: Map<number, string>;
  schedulerPid: number | null;
  /** Scale-out only: the active scheduler, and a second one started as its standby on demand. */
  schedulers: { active: FlashflowProcess; startStandby(): Promise<FlashflowProcess> } | null;
  /** Problems with the requests `ids` read from the database, or an empty list; stops the processes first. */
  stopAndCheck(ids: string[]): Promise<string[]>;
}

/** A DAGs folder holding only catalog_request (a link to the shipped file), so nothing else is parsed or run. */
export async function catalogDagsFolder(): Promise<string> {
  const dir = await makeTempDir('scale-dags');
  await symlink(path.join(REPO_ROOT, 'workflows', `${DAG_ID}.ts`), path.join(dir, `${DAG_ID}.ts`));
  return dir;
}

/** A build started outside the tests' lock (`npm run build`, `npm start`) makes ours fail at once: wait and retry. */
async function ensureBuild(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureTestBuild();
    } catch (err) {
      if (attempt >= BUILD_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20_000));
    }
  }
}

const BUILD_ATTEMPTS = 6;

export async function startStandalone(o: { modelUrl: string; dagsFolder: string }): Promise<FlashflowSetup> {
  await ensureBuild();
  const home = await makeHome({ seeded: false });
  const processes: FlashflowProcess[] = [];
  try {
    // The defaults of a 2-core machine: 2 runner processes × 16 slots.
    const proc = launch(processes, 'standalone', home, o.dagsFolder, { PORT: String(await freePort()), FLASHFLOW_CONN_MODEL_DEFAULT: o.modelUrl, FLASHFLOW_EXECUTOR_PROCESSES: '2' });
    const [[, url = ''], [, password = '']] = await Promise.all([
      proc.waitFor(/Flashflow is running at (http:\/\/[\d.:]+)/, START_TIMEOUT_MS),
      proc.waitFor(/sign in as 'admin' with password (\S+)/, START_TIMEOUT_MS),
    ]);
    const target = apiTarget(url, basicAuth('admin', password));
    await waitDagActive(url, basicAuth('admin', password));
    return {
      target,
      roles: new Map([[proc.pid, 'standalone']]),
      schedulerPid: null,
      schedulers: null,
      stopAndCheck: async (ids) => {
        await stopAll(processes);
        const db = await openDatabase({ dataDir: path.join(home, 'db') });
        try {
          return await checkRuns(db.sql, ids);
        } finally {
          await db.close();
        }
      },
    };
  } catch (err) {
    await stopAll(processes);
    throw err;
  }
}

export async function startScaleOut(o: {
  postgres: PostgresServer; redisUrl: string; modelUrl: string; dagsFolder: string; workers: number;
  /** The address the workers are given for the webserver's URL (scale-cpu puts a counting proxy there). */
  workerApiUrl?: (url: string) => Promise<string>;
}): Promise<FlashflowSetup & { databaseUrl: string }> {
  await ensureBuild();
  const home = await makeHome({ seeded: false });
  const databaseUrl = await o.postgres.createDatabase();
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: o.redisUrl, FLASHFLOW_SECRET_KEY: randomBytes(32).toString('base64'), FLASHFLOW_CONN_MODEL_DEFAULT: o.modelUrl };
  const processes: FlashflowProcess[] = [];
  try {
    // The scheduler's parallelism matches the workers' slots, so the limit is the workers, as a user would set it.
    const schedulerEnv = { ...env, FLASHFLOW_EXECUTOR: 'bullmq', FLASHFLOW_PARALLELISM: String(WORKER_SLOTS * o.workers) };
    const scheduler = launch(processes, 'scheduler', home, o.dagsFolder, schedulerEnv);
    const web = launch(processes, 'webserver', home, o.dagsFolder, { ...env, PORT: String(await freePort()) });
    const [[, url = ''], [, password = '']] = await Promise.all([
      web.waitFor(/webserver is running at (http:\/\/[\d.:]+)/, START_TIMEOUT_MS),
      web.waitFor(/sign in as 'admin' with password (\S+)/, START_TIMEOUT_MS),
      scheduler.waitFor(/scheduler is active/, START_TIMEOUT_MS),
    ]);
    const workers: FlashflowProcess[] = [];
    const workerApiUrl = o.workerApiUrl ? await o.workerApiUrl(url) : url;
    for (let i = 0; i < o.workers; i++) {
      workers.push(launch(processes, 'worker', home, o.dagsFolder, { ...env, FLASHFLOW_API_URL: workerApiUrl, FLASHFLOW_EXECUTOR_PROCESSES: '1', FLASHFLOW_WORKER_CONCURRENCY: String(WORKER_SLOTS) }));
    }
    await Promise.all(workers.map((w) => w.waitFor(/is taking tries from Redis/, START_TIMEOUT_MS)));
    const auth = basicAuth('admin', password);
    await waitDagActive(url, auth);
    return {
      databaseUrl,
      target: apiTarget(url, auth),
      roles: new Map<number, string>([[scheduler.pid, 'scheduler'], [web.pid, 'webserver'], ...workers.map((w) => [w.pid, 'worker'] as [number, string])]),
      schedulerPid: scheduler.pid,
      schedulers: {
        active: scheduler,
        startStandby: async () => {
          const standby = launch(processes, 'scheduler', home, o.dagsFolder, schedulerEnv);
          await standby.waitFor(/waiting as its standby/, START_TIMEOUT_MS);
          return standby;
        },
      },
      stopAndCheck: async (ids) => {
        const db = await openDatabase({ databaseUrl });
        try {
          return await checkRuns(db.sql, ids);
        } finally {
          await db.close();
          await stopAll(processes);
        }
      },
    };
  } catch (err) {
    await stopAll(processes);
    throw err;
  }
}

// Flashflow processes run in process groups of their own, so an interrupted bench would leave them behind.
const live = new Set<FlashflowProcess>();

/** A `flashflow` process that `killLiveProcesses()` kills if the bench is interrupted. */
export function launchTracked(argv: string[], home: string, dagsFolder: string, env: Record<string, string> = {}): FlashflowProcess {
  const p = new FlashflowProcess([FLASHFLOW_BIN, ...argv], { home, dagsFolder, env });
  live.add(p);
  void p.exited.then(() => live.delete(p));
  return p;
}

export function killLiveProcesses(): void {
  for (const p of live) p.killGroup();
}

function launch(processes: FlashflowProcess[], command: string, home: string, dagsFolder: string, env: Record<string, string>): FlashflowProcess {
  const p = launchTracked([command], home, dagsFolder, env);
  processes.push(p);
  return p;
}

async function stopAll(processes: FlashflowProcess[]): Promise<void> {
  await Promise.all(processes.map(async (p) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    process.kill(p.pid, 'SIGTERM');
    await p.waitForExit(20_000).catch(() => p.killGroup());
  }));
}

/** The DAG is parsed a moment after the processes say they run; a trigger before that would be a 404. */
async function waitDagActive(url: string, auth: Record<string, string>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/api/v1/dags/${DAG_ID}`, { headers: auth }).catch(() => null);
    if (res?.ok && ((await res.json()) as { is_active?: boolean; is_paused?: boolean }).is_paused === false) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${DAG_ID} was not active and unpaused within ${START_TIMEOUT_MS / 1000} s`);
}

interface RunRow {
  dag_run_id: string;
  state: string;
  end_date: string | null;
}

/**
 * The REST API as the load generator calls it: pooled keep-alive connections, as a real client library would keep,
 * and not fetch, whose own CPU per request (about 1 ms) would be taken from the processes under test on this machine.
 */
function apiTarget(url: string, auth: Record<string, string>): LoadTarget {
  const runs = `${url}/api/v1/dags/${DAG_ID}/dagRuns`;
  const pool = new KeepAlivePool({ maxSockets: 64 });
  const call = async (method: string, target: string, body?: string, alsoAccept?: number) => {
    const headers = { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) };
    const { response, body: answer } = await request(new URL(target), { method, headers, body, pool, timeoutMs: 60_000, maxAnswerBytes: 64 * 1024 * 1024 });
    const status = response.statusCode ?? 0;
    if ((status < 200 || status > 299) && status !== alsoAccept) throw new Error(`${method} dagRuns ${status}: ${answer.toString('utf8').slice(0, 200)}`);
    return answer;
  };
  let mark = 0;
  return {
    trigger: async (id) => {
      const body = JSON.stringify({ dag_run_id: id, conf: { document: benchDocument(id) } });
      try {
        await call('POST', runs, body);
      } catch (err) {
        // A pooled connection the server closed as the request left on it: sent again, once. The run id makes it
        // safe: a 409 then says the first one did arrive.
        if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
        await call('POST', runs, body, 409);
      }
    },
    poll: async () => {
      const since = new Date(Math.max(0, mark - LOOK_BACK_MS)).toISOString();
      const out: Completion[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const q = `end_date_gte=${encodeURIComponent(since)}&state=success&state=failed&order_by=end_date&limit=${PAGE}&offset=${offset}`;
        const page = (JSON.parse((await call('GET', `${runs}?${q}`)).toString('utf8')) as { dag_runs: RunRow[] }).dag_runs;
        for (const r of page) {
          const endMs = Date.parse(r.end_date!);
          mark = Math.max(mark, endMs);
          out.push({ id: r.dag_run_id, endMs, ok: r.state === 'success' });
        }
        if (page.length < PAGE) return out;
      }
    },
  };
}

const TASKS_PER_RUN = 4;

/** Every request has its run, each run succeeded with its four tasks, and there is no run nobody asked for. */
async function checkRuns(sql: { query<T>(sql: string, params?: unknown[]): Promise<T[]> }, ids: string[]): Promise<string[]> {
  const rows = await sql.query<{ run_id: string; state: string; tasks_ok: number; tasks: number }>(
    `SELECT r.run_id, r.state,
            count(ti.*) FILTER (WHERE ti.state = 'success')::int AS tasks_ok, count(ti.*)::int AS tasks
       FROM dag_run r LEFT JOIN task_instance ti ON ti.dag_id = r.dag_id AND ti.run_id = r.run_id
      WHERE r.dag_id = $1 GROUP BY r.run_id, r.state`,
    [DAG_ID],
  );
  const byId = new Map<string, (typeof rows)[number][]>();
  for (const r of rows) byId.set(r.run_id, [...(byId.get(r.run_id) ?? []), r]);
  const problems: string[] = [];
  for (const id of ids) {
    const found = byId.get(id) ?? [];
    if (found.length !== 1) problems.push(`${id}: ${found.length} runs`);
    else if (found[0]!.state !== 'success') problems.push(`${id}: run ${found[0]!.state}`);
    else if (found[0]!.tasks_ok !== TASKS_PER_RUN || found[0]!.tasks !== TASKS_PER_RUN) problems.push(`${id}: ${found[0]!.tasks_ok}/${found[0]!.tasks} tasks succeeded`);
    byId.delete(id);
  }
  for (const id of byId.keys()) problems.push(`${id}: a run nobody triggered`);
  return problems;
}
