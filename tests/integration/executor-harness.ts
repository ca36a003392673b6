// Helpers for the LocalExecutor tests: jobs for the fixture DAG file, an event recorder that resolves when a
// try finishes, and process liveness checks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CallbackJob, ExecutorEvent, TaskJob } from '../../lib/engine/executor-port';
import { LocalExecutor } from '../../lib/executors/local/local-executor';
import { taskServiceHandler } from '../../lib/runtime/task-services';
import type { SecretBox } from '../../lib/secrets/secret-box';
import { connectionSource } from '../../lib/store/connections';
import type { Database } from '../../lib/store/database';

export const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/executor-tasks.ts', import.meta.url));

let counter = 0;

export function taskJob(taskId: string, overrides: Partial<TaskJob> = {}): TaskJob {
  counter++;
  return {
    type: 'task',
    tiId: `ti-${counter}-${taskId}`,
    dagId: 'executor_tasks',
    runId: 'manual__2024-01-01T00:00:00+00:00',
    taskId,
    mapIndex: -1,
    tryNumber: 1,
    maxTries: 3,
    fileloc: FIXTURE,
    logicalDate: '2024-01-01T00:00:00.000Z',
    dataIntervalStart: '2024-01-01T00:00:00.000Z',
    dataIntervalEnd: '2024-01-02T00:00:00.000Z',
    conf: {},
    item: null,
    upstream: {},
    executionTimeoutMs: null,
    firstPokeAt: null,
    ...overrides,
  };
}

export function callbackJob(overrides: Partial<CallbackJob> & Pick<CallbackJob, 'kind'>): CallbackJob {
  counter++;
  return {
    type: 'callback',
    id: `cb-${counter}`,
    fileloc: FIXTURE,
    dagId: 'executor_tasks',
    runId: 'manual__2024-01-01T00:00:00+00:00',
    taskId: 'with_callbacks',
    mapIndex: -1,
    tryNumber: 1,
    state: 'success',
    error: null,
    timeoutMs: 2_000,
    ...overrides,
  };
}

type Finished = Extract<ExecutorEvent, { type: 'finished' }>;
type CallbackFinished = Extract<ExecutorEvent, { type: 'callback_finished' }>;

/** Records every event of an executor; `run()` submits a job and resolves with its events once it finished. */
export class EventRecorder {
  readonly events: ExecutorEvent[] = [];
  private waiters = new Map<string, Array<() => void>>();

  constructor(readonly executor: LocalExecutor) {
    executor.onEvent((event) => {
      this.events.push(event);
      const id = event.type === 'callback_finished' ? event.id : event.tiId;
      if (event.type === 'finished' || event.type === 'callback_finished') {
        for (const wake of this.waiters.get(id) ?? []) wake();
        this.waiters.delete(id);
      }
    });
  }

  of(tiId: string): ExecutorEvent[] {
    return this.events.filter((e) => e.type !== 'callback_finished' && e.tiId === tiId);
  }

  lines(tiId: string, stream?: 'stdout' | 'stderr' | 'log'): string[] {
    return this.of(tiId).flatMap((e) => (e.type === 'log' && (!stream || e.stream === stream) ? [e.line] : []));
  }

  finished(tiId: string): Promise<Finished> {
    const find = () => this.events.find((e): e is Finished => e.type === 'finished' && e.tiId === tiId);
    return this.waitFor(tiId, find);
  }

  callbackFinished(id: string): Promise<CallbackFinished> {
    const find = () => this.events.find((e): e is CallbackFinished => e.type === 'callback_finished' && e.id === id);
    return this.waitFor(id, find);
  }

  async run(job: TaskJob): Promise<{ finished: Finished; events: ExecutorEvent[] }> {
    this.executor.submit(job);
    const finished = await this.finished(job.tiId);
    return { finished, events: this.of(job.tiId) };
  }

  private waitFor<T>(id: string, find: () => T | undefined): Promise<T> {
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(() => resolve(find()!));
      this.waiters.set(id, list);
    });
  }
}

/** True while the process exists and is not a zombie (a container's init may not reap orphans promptly). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A started one-process executor whose tasks reach the connections of `db` (and `env`) through connections.get. */
export async function startConnectionExecutor(
  db: Database,
  secrets: SecretBox,
  env: Record<string, string> = {},
): Promise<{ executor: LocalExecutor; recorder: EventRecorder }> {
  const executor = new LocalExecutor({
    processes: 1,
    concurrency: 4,
    heartbeatMs: 1_000,
    serviceHandler: taskServiceHandler({ sql: db.sql, now: () => new Date(), connections: connectionSource({ db: db.prisma, secrets, env }), llmEnv: {}, wake: () => {}, beforeChange: async () => {} }),
  });
  const recorder = new EventRecorder(executor);
  await executor.start();
  return { executor, recorder };
}
