// Starts the engine (scheduler, executor, DAG processor) in this process. On PostgreSQL it first becomes the one
// active scheduler of the database (a standby waits here), then listens for the other processes' notifications
// and announces the tick after each of their wakes; on the embedded database the home lock already made this process
// the only one.
import type { Database } from '../store/database';
import { acquireSchedulerLock } from '../store/pg-leader-lock';
import type { FlashflowConfig } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { listenForSchedulerSignals } from '../runtime/scheduler-signals';
import { startRuntime, type Runtime } from '../runtime/start-runtime';

export interface ActiveEngine {
  runtime: Runtime;
  stop(): Promise<void>;
}

export interface ActiveEngineOptions {
  /** The migrated database this process opened. */
  db: Database;
  log: Logger;
  /** Aborts the wait of a standby. */
  signal?: AbortSignal;
  /** The lock was lost after start: another scheduler may take over, so this process must stop. */
  onLost: (error: Error) => void;
}

export async function startActiveEngine(config: FlashflowConfig, options: ActiveEngineOptions): Promise<ActiveEngine> {
  const { db, log } = options;
  const databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const runtime = await startRuntime(config, { watch: true, log, db });
    return { runtime, stop: () => runtime.stop() };
  }
  const lock = await acquireSchedulerLock(databaseUrl, {
    onWaiting: () => log('info', 'another scheduler is active on this database; waiting as its standby'),
    onLost: options.onLost,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const runtime = await startRuntime(config, { watch: true, log, db });
    const listener = await listenForSchedulerSignals(databaseUrl, db.sql, runtime.scheduler, log).catch(async (err: unknown) => {
      await runtime.stop();
      throw err;
    });
    return {
      runtime,
      async stop() {
        await listener.close();
        await runtime.stop();
        await lock.release();
      },
    };
  } catch (err) {
    await lock.release();
    throw err;
  }
}
