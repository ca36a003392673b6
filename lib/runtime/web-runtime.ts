// The runtime of `flashflow webserver`: the web app and the API on PostgreSQL, with the scheduler in another
// process (`flashflow scheduler`). Actions reach it as PostgreSQL notifications; it announces the tick after each
// wake the same way, so an API action that waits for the resulting state still answers with it.
import { systemClock } from '../kernel/clock';
import { FlashflowMetrics } from '../ops/metrics/flashflow-metrics';
import { loadSecretBox } from '../secrets/secret-key';
import type { Database } from '../store/database';
import { listen, notify, SCHEDULER_CHANNEL, TICKED_CHANNEL, type SchedulerSignal } from '../store/pg-notifications';
import type { AppRuntime, SchedulerControl } from './app-runtime';
import type { FlashflowConfig } from './config';
import type { Logger } from './logger';
import { openMigratedDatabase } from './open-migrated-database';

/** The longest a waiting action waits for the other process's tick; wakeScheduler caps it lower anyway. */
const TICK_WAIT_MS = 5_000;

export class EmbeddedDatabaseSharedError extends Error {
  override name = 'EmbeddedDatabaseSharedError';
}

/** Only PostgreSQL can be shared between processes; PGlite admits one (DESIGN.md §1). */
export function requirePostgres(config: FlashflowConfig, command: string): string {
  if (config.databaseUrl) return config.databaseUrl;
  throw new EmbeddedDatabaseSharedError(
    `\`flashflow ${command}\` runs beside other Flashflow processes, so it needs PostgreSQL: set DATABASE_URL=postgres://… ` +
      '(the embedded database admits a single process; for one machine, `flashflow standalone` runs everything)',
  );
}

export async function startWebRuntime(config: FlashflowConfig, log: Logger): Promise<AppRuntime> {
  const databaseUrl = requirePostgres(config, 'webserver');
  const db = await openMigratedDatabase(config);
  try {
    const secrets = loadSecretBox({ envKey: config.secretKey, home: config.home, generate: false });
    for (const w of secrets.warnings) log('warn', w);
    const ticks = new TickWaiters();
    const listener = await listen(databaseUrl, TICKED_CHANNEL, () => ticks.ticked(), {
      log: (message) => log('warn', message),
      onReconnect: () => ticks.ticked(),
    });
    const metrics = new FlashflowMetrics({ sql: db.sql, log: (level, message) => log(level, message) });
    await metrics.start();
    return {
      config,
      db,
      clock: systemClock,
      scheduler: remoteScheduler(db, ticks, log),
      metrics,
      secrets: secrets.box,
      async stop() {
        await listener.close();
        ticks.ticked();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

function remoteScheduler(db: Database, ticks: TickWaiters, log: Logger): SchedulerControl {
  const signal = (what: SchedulerSignal) =>
    notify(db.sql, SCHEDULER_CHANNEL, what).catch((err: Error) => {
      // The scheduler's poll still finds the change; only the prompt start is lost.
      log('warn', `could not notify the scheduler (${what}): ${err.message}`);
    });
  return {
    wake: () => void signal('wake'),
    reloadDags: () => signal('reload'),
    idle: () => ticks.next(TICK_WAIT_MS),
  };
}

/** Callers waiting for the scheduler's next tick notice (or the time limit). */
class TickWaiters {
  private waiting: Array<() => void> = [];

  next(limitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, limitMs);
      timer.unref();
      const waiting = this.waiting;
      function done() {
        clearTimeout(timer);
        const i = waiting.indexOf(done);
        if (i >= 0) waiting.splice(i, 1);
        resolve();
      }
      this.waiting.push(done);
    });
  }

  ticked(): void {
    for (const done of this.waiting.splice(0)) done();
  }
}
