// `flashflow worker`: runs the tries a bullmq scheduler queues (Airflow's `celery worker`), any number of them on
// any machines that reach Redis, the webserver (FLASHFLOW_API_URL) and a copy of the DAGs folder. A worker needs
// no database: its tasks' service calls go to the webserver with per-try tokens.
import type { TaskWorker } from '../executors/bullmq/task-worker';
import type { FlashflowConfig } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { InvalidInputError } from '../kernel/errors';
import { exitOnSignals } from './shutdown-signals';

export interface WorkerFlags {
  /** Task queues to serve (ADR 0028). */
  queues: string[];
  /** Overrides FLASHFLOW_WORKER_CONCURRENCY. */
  concurrency?: number;
}

export async function workerCommand(config: FlashflowConfig, flags: WorkerFlags, log: Logger): Promise<void> {
  if (!config.redisUrl) {
    throw new InvalidInputError('`flashflow worker` takes tries from Redis: set REDIS_URL=redis://… (the same as the scheduler, which runs with FLASHFLOW_EXECUTOR=bullmq)');
  }
  const concurrency = flags.concurrency ?? config.executor.concurrency;
  let worker: TaskWorker | null = null;
  // A first signal lets the tries in hand finish (warm shutdown); the exit handler cuts it short after 15 s.
  exitOnSignals(log, async () => {
    await worker?.stop();
  });
  // Loaded here only: every other command would pay for BullMQ and ioredis otherwise.
  const { startTaskWorker } = await import('../executors/bullmq/task-worker');
  worker = await startTaskWorker({
    redisUrl: config.redisUrl,
    dagsFolder: config.dagsFolder,
    pluginFolders: config.pluginFolders,
    apiUrl: config.apiUrl,
    processes: config.executor.processes,
    concurrency,
    queues: flags.queues,
    env: config.taskEnv,
    pinnedEnv: { ...config.connectionEnv, ...config.variableEnv },
    log: (level, message) => log(level, message),
  });
  const queues = flags.queues.map((q) => `'${q}'`).join(', ');
  log('info', `worker ${worker.name} is taking tries from Redis, queue${flags.queues.length === 1 ? '' : 's'} ${queues} (${config.executor.processes} × ${concurrency} slots; service calls to ${config.apiUrl}; DAGs: ${config.dagsFolder})`);
}
