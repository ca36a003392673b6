// A scheduler on a real (cloned) PGlite database with a FakeClock and the InlineExecutor: whole DAG runs in
// milliseconds, with retry delays and schedules driven by advancing the clock.
import { compileDag } from '../../lib/engine/compile-dag';
import type { Dag } from '../../lib/engine/dag-builder';
import type { ServiceHandler } from '../../lib/engine/executor-port';
import { Scheduler, type SchedulerOptions } from '../../lib/engine/scheduler';
import type { RunKey, RunStore } from '../../lib/engine/run-store-port';
import type { Database } from '../../lib/store/database';
import { taskServiceHandler } from '../../lib/runtime/task-services';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { syncDags } from '../../lib/store/sync-dags';
import { triggerDagRun } from '../../lib/store/trigger-dag-run';
import { FakeClock } from './fake-clock';
import { InlineExecutor } from './inline-executor';
import { createTestDb } from './test-db';

export interface Engine {
  db: Database;
  clock: FakeClock;
  executor: InlineExecutor;
  scheduler: Scheduler;
  trigger(dagId: string, conf?: Record<string, unknown>): Promise<RunKey>;
  /** Lets the scheduler and the executor run until neither has anything left to do right now. */
  settle(): Promise<void>;
  /** Advances the fake clock, then settles. */
  advance(ms: number): Promise<void>;
  states(run: RunKey): Promise<Record<string, string>>;
  runState(run: RunKey): Promise<string>;
  close(): Promise<void>;
}

export interface EngineOptions {
  start?: string;
  slots?: number;
  /** Scheduler listeners built from the engine's database and clock (alerts, metrics), as startRuntime wires them. */
  listen?: (db: Database, clock: FakeClock) => Pick<SchedulerOptions, 'onTick' | 'onTryEnded'>;
  /** Real milliseconds starts and log lines may wait for a tick (the scheduler's default otherwise). */
  quietEventDelayMs?: number;
  /** Wraps the SQL run store, e.g. to make a write fail. */
  store?: (store: RunStore) => RunStore;
  /** Answer the tasks' service calls (a sensor's) from this engine's database, as the runtime does. */
  services?: boolean;
  /** The OPENAI_* / FLASHFLOW_LLM_MODEL the LLM services answer with (a fake OpenAI server's). */
  llmEnv?: { OPENAI_BASE_URL?: string; OPENAI_API_KEY?: string; FLASHFLOW_LLM_MODEL?: string };
  /** The scheduler's FLASHFLOW_MAX_MAP_LENGTH (its default otherwise). */
  maxMapLength?: number;
}

export async function startEngine(dags: Dag[], opts: EngineOptions = {}): Promise<Engine> {
  const db = await createTestDb();
  const clock = new FakeClock(opts.start);
  const compiled = dags.map((d) => {
    const c = compileDag(d, `/virtual/${d.dagId}.ts`);
    if (!c.ok) throw new Error(c.errors.join('\n'));
    return c.dag;
  });
  await syncDags(db.sql, { dags: compiled, errors: [], files: [] }, clock.now());
  const allServices: ServiceHandler = taskServiceHandler({
    sql: db.sql, now: () => clock.now(), connections: { get: async () => null }, llmEnv: opts.llmEnv ?? {},
    wake: (): void => scheduler.wake(), beforeChange: (job): Promise<void> => scheduler.startRecorded(job.tiId, job.tryNumber),
  });
  // Without `services`, still the XCom pull a runner makes for a mapped upstream's results (ADR 0032).
  const services: ServiceHandler = opts.services
    ? allServices
    : async (job, method, input) => {
      if (method === 'xcom.pull') return allServices(job, method, input);
      throw new Error(`the inline executor answers no service (${method})`);
    };
  const executor = new InlineExecutor(new Map(dags.map((d) => [d.dagId, d])), clock, opts.slots, services);
  const scheduler = new Scheduler({ store: opts.store ? opts.store(sqlRunStore(db.sql)) : sqlRunStore(db.sql), executor, clock, pollIntervalMs: 1000, random: () => 0,
    ...(opts.quietEventDelayMs !== undefined ? { quietEventDelayMs: opts.quietEventDelayMs } : {}),
    ...(opts.maxMapLength !== undefined ? { maxMapLength: opts.maxMapLength } : {}), ...opts.listen?.(db, clock) });
  await executor.start();
  await scheduler.start();

  const settle = async () => {
    for (let quiet = 0; quiet < 3; ) {
      await scheduler.idle();
      await new Promise((r) => setImmediate(r));
      quiet = (scheduler as unknown as { dirty: boolean }).dirty ? 0 : quiet + 1;
    }
  };
  await settle();
  return {
    db, clock, executor, scheduler, settle,
    async trigger(dagId, conf = {}) {
      const run = await triggerDagRun(db.sql, { dagId, conf }, clock.now());
      scheduler.wake();
      await settle();
      return run;
    },
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    async states(run) {
      const rows = await db.sql.query<{ task_id: string; map_index: number; state: string }>(
        `SELECT task_id, map_index, state FROM task_instance WHERE dag_id = $1 AND run_id = $2 ORDER BY task_id, map_index`,
        [run.dagId, run.runId],
      );
      return Object.fromEntries(rows.map((r) => [r.map_index >= 0 ? `${r.task_id}[${r.map_index}]` : r.task_id, r.state]));
    },
    async runState(run) {
      const [r] = await db.sql.query<{ state: string }>(`SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2`, [run.dagId, run.runId]);
      return r!.state;
    },
    async close() {
      await scheduler.stop();
      await db.close();
    },
  };
}
