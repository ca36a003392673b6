// PostgreSQL LISTEN/NOTIFY between Flashflow processes that share one database (webserver, scheduler, CLI):
// an action in one process wakes the scheduler in another at once, instead of at its next poll. Notifications are
// a hint, never the only path: the scheduler still polls, so a lost one costs a poll interval, nothing more.
import pg from 'pg';
import type { SqlClient } from './database';

/** What the scheduler listens to: `wake` (new work) or `reload` (DAG definitions or pause flags changed). */
export const SCHEDULER_CHANNEL = 'flashflow_scheduler';
/** What the scheduler says after a tick that changed something, for a webserver waiting to answer with a state. */
export const TICKED_CHANNEL = 'flashflow_ticked';

export type SchedulerSignal = 'wake' | 'reload';

export async function notify(sql: SqlClient, channel: string, payload = ''): Promise<void> {
  await sql.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

export interface Listener {
  close(): Promise<void>;
}

/**
 * Listens on `channel` with a connection of its own (a pooled one would be handed to other queries). A dropped
 * connection is reopened after `retryMs`, and `onReconnect` is told, since notifications sent meanwhile are lost.
 */
export async function listen(
  databaseUrl: string,
  channel: string,
  onPayload: (payload: string) => void,
  options: { retryMs?: number; onReconnect?: () => void; log?: (message: string) => void } = {},
): Promise<Listener> {
  const retryMs = options.retryMs ?? 1_000;
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl, application_name: 'flashflow listener', keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    c.on('notification', (n) => {
      if (n.channel === channel) onPayload(n.payload ?? '');
    });
    c.on('error', (err) => {
      options.log?.(`LISTEN ${channel}: ${err.message}; reconnecting`);
      void c.end().catch(() => {});
      if (client === c) client = null;
      schedule();
    });
    await c.connect();
    // A channel name is an identifier: quote it; ours are constants, never user input.
    await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    if (closed) {
      await c.end();
      return;
    }
    client = c;
  };
  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(options.onReconnect, (err: Error) => {
        options.log?.(`LISTEN ${channel}: ${err.message}; retrying in ${retryMs} ms`);
        schedule();
      });
    }, retryMs);
    retry.unref();
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
      client = null;
    },
  };
}
