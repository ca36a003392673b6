// One active scheduler per PostgreSQL database: a session-level advisory lock held on a connection of its own.
// A second `flashflow scheduler` waits on the lock as a hot standby and takes over the moment the active one's
// session ends (stop, crash, or lost network), then recovers the tries the old one left, as after a restart.
// The lock needs a real session: connect directly or through a pooler in session mode (PgBouncer's transaction
// mode would hand the session to others). TCP keepalives keep a quiet connection from being dropped by a NAT.
import pg from 'pg';

/** Chosen once; any other Flashflow lock uses another key (the migrator's is in migrate.ts). */
const SCHEDULER_LOCK_KEY = 727_274_001;

export interface LeaderLock {
  /** Ends the session, which releases the lock. */
  release(): Promise<void>;
}

export interface LeaderLockOptions {
  /** Told when another scheduler holds the lock and this one starts waiting. */
  onWaiting?: () => void;
  /** Told if the session holding the lock fails: another scheduler may take over, so this one must stop. */
  onLost: (error: Error) => void;
  /** Aborts the wait (shutdown of a standby). */
  signal?: AbortSignal;
}

export async function acquireSchedulerLock(databaseUrl: string, options: LeaderLockOptions): Promise<LeaderLock> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'flashflow scheduler lock', keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  let held = false;
  client.on('error', (err) => {
    if (held) options.onLost(err);
  });
  await client.connect();
  // A server-wide timeout must neither end the active scheduler's quiet session nor a standby's long wait.
  for (const setting of ['statement_timeout', 'lock_timeout', 'idle_session_timeout', 'idle_in_transaction_session_timeout']) {
    await client.query(`SET ${setting} = 0`).catch(() => {}); // idle_session_timeout exists from PostgreSQL 14 on
  }
  const abort = () => void client.end().catch(() => {});
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const [row] = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SCHEDULER_LOCK_KEY])).rows;
    if (!row?.ok) {
      options.onWaiting?.();
      await client.query('SELECT pg_advisory_lock($1)', [SCHEDULER_LOCK_KEY]);
    }
  } catch (err) {
    await client.end().catch(() => {});
    throw options.signal?.aborted ? new Error('stopped while waiting for the scheduler lock', { cause: err }) : err;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  held = true;
  // A session that ends without an error event (server closed it) is a loss too.
  client.once('end', () => {
    if (held) options.onLost(new Error('the connection holding the scheduler lock ended'));
  });
  return {
    async release() {
      held = false;
      await client.end().catch(() => {});
    },
  };
}
