// FLASHFLOW_RETENTION_DAYS (ADR 0032): the scheduler runs what `flashflow db clean --older-than <N>d` would, soon
// after it starts and then hourly. Off unless set: deleting history is the operator's choice, as in Airflow.
import type { Clock } from '../kernel/clock';
import { cleanDatabase, type DbCleanResult } from './db-clean';
import type { SqlClient } from './database';

const DAY_MS = 86_400_000;
export const RETENTION_INTERVAL_MS = 3_600_000;
/** Not at the very start: the first clean of a long-lived install can be big, and start-up has enough to do. */
const FIRST_RUN_DELAY_MS = 60_000;

export interface RetentionOptions {
  sql: SqlClient;
  days: number;
  clock: Clock;
  log: (level: 'info' | 'warn', message: string) => void;
}

/** One clean at the retention bound, logged when it deleted anything. */
export async function applyRetention(opts: RetentionOptions): Promise<DbCleanResult> {
  const before = new Date(opts.clock.now().getTime() - opts.days * DAY_MS);
  const result = await cleanDatabase(opts.sql, { before });
  const deleted = result.tables.filter((t) => t.rows > 0);
  if (deleted.length) {
    opts.log('info', `retention (FLASHFLOW_RETENTION_DAYS=${opts.days}) deleted ${deleted.map((t) => `${t.rows} ${t.table}`).join(', ')}`);
  }
  return result;
}

/** Starts the periodic clean; the returned function stops it and waits for a clean under way. */
export function startRetention(opts: RetentionOptions): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const run = () => {
    running ??= applyRetention(opts)
      .catch((err: Error) => opts.log('warn', `retention clean failed (tried again in an hour): ${err.message}`))
      .finally(() => (running = null));
  };
  const first = setTimeout(run, FIRST_RUN_DELAY_MS);
  const timer = setInterval(run, RETENTION_INTERVAL_MS);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
