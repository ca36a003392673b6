// `flashflow scheduler`: the engine without the web app, on PostgreSQL, beside any number of `flashflow
// webserver` processes. A second one on the same database waits as a standby and takes over when the first stops.
import type { FlashflowConfig } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { openMigratedDatabase } from '../runtime/open-migrated-database';
import { requirePostgres } from '../runtime/web-runtime';
import { startActiveEngine, type ActiveEngine } from './active-engine';
import { exitOnSignals } from './shutdown-signals';
import { serveSchedulerHealth, type HealthServer } from '../ops/scheduler-health-server';

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
  const db = await openMigratedDatabase(config).catch(async (err: unknown) => {
    await health?.close();
    throw err;
  });
  try {
    engine = await startActiveEngine(config, {
      db,
      log,
      signal: standby.signal,
      onLost: (err) => void exit(`lost the scheduler lock (${err.message}); another scheduler may take over`, 1),
    });
  } catch (err) {
    await db.close().catch(() => {});
    if (standby.signal.aborted) return; // stopped while a standby: the signal handler exits
    await health?.close(); // an open server would keep the process from exiting with the error
    throw err;
  }
  log('info', `scheduler is active (DAGs: ${config.dagsFolder}, ${config.executor.processes} runner processes)`);
}
