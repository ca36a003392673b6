// `flashflow scheduler`: the engine without the web app, on PostgreSQL, beside any number of `flashflow
// webserver` processes. A second one on the same database waits as a standby and takes over when the first stops.
// A scheduler whose database goes away (restart, lost network) does not exit: an active one stops its engine, since
// another may take over, and then, like a standby that lost its wait, reconnects with backoff and waits its turn.
import type { FlashflowConfig } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { abortableSleep } from '../kernel/abortable-sleep';
import { openMigratedDatabase } from '../runtime/open-migrated-database';
import { requirePostgres } from '../runtime/web-runtime';
import { startActiveEngine, type ActiveEngine } from './active-engine';
import { exitOnSignals } from './shutdown-signals';
import { serveSchedulerHealth, type HealthServer } from '../ops/scheduler-health-server';
import type { Database } from '../store/database';
import { isConnectionLoss } from '../store/connection-loss';

const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 5_000;
/** An engine that cannot stop within this long (its database gone) is left behind by exiting, as before. */
const ENGINE_STOP_MS = 15_000;

export async function schedulerCommand(config: FlashflowConfig, log: Logger): Promise<void> {
  requirePostgres(config, 'scheduler');
  const standby = new AbortController();
  let engine: ActiveEngine | null = null;
  let health: HealthServer | null = null;
  const exit = exitOnSignals(log, async () => {
    standby.abort();
    await health?.close();
    await engine?.stop();
  });
  if (config.schedulerHealthPort !== null) {
    health = await serveSchedulerHealth(config.host, config.schedulerHealthPort, {
      active: () => (engine ? { latestHeartbeat: engine.runtime.scheduler.latestHeartbeat, metrics: engine.runtime.metrics } : null),
      now: () => new Date(),
    });
    log('info', `scheduler health and metrics at ${health.url}/health and ${health.url}/metrics`);
  }
  // The first connection is checked at start: a wrong DATABASE_URL is an error to report, not to retry.
  let db: Database | null = await openMigratedDatabase(config).catch(async (err: unknown) => {
    await health?.close();
    throw err;
  });
  for (let wait = RECONNECT_FIRST_MS; !standby.signal.aborted; ) {
    let lost!: (error: Error) => void;
    const lockLost = new Promise<Error>((resolve) => (lost = resolve));
    try {
      db ??= await openMigratedDatabase(config);
      engine = await startActiveEngine(config, { db, log, signal: standby.signal, onLost: (err) => lost(err) });
    } catch (err) {
      await db?.close().catch(() => {});
      db = null;
      if (standby.signal.aborted) return; // stopped while a standby: the signal handler exits
      if (!isConnectionLoss(err)) {
        await health?.close(); // an open server would keep the process from exiting with the error
        throw err;
      }
      log('warn', `cannot wait for the scheduler lock (${(err as Error).message}); retrying in ${wait} ms`);
      await abortableSleep(wait, standby.signal).catch(() => {}); // a stop ends the wait, then the loop
      wait = Math.min(wait * 2, RECONNECT_MAX_MS);
      continue;
    }
    wait = RECONNECT_FIRST_MS;
    log('info', `scheduler is active (DAGs: ${config.dagsFolder}, ${config.executor.processes} runner processes)`);
    const error = await lockLost;
    if (standby.signal.aborted) return;
    log('error', `lost the scheduler lock (${error.message}); another scheduler may take over: stopping the engine, then waiting to be active again`);
    const stopping = engine.stop();
    engine = null;
    db = null; // closed by the engine's stop
    const stopped = await Promise.race([stopping.then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ENGINE_STOP_MS).unref())]);
    if (!stopped) return void exit('the engine did not stop after losing the scheduler lock', 1);
  }
}
