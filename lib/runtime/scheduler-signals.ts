// The scheduler's side of the PostgreSQL notifications (pg-notifications.ts): it wakes when another process
// (webserver, CLI) changed something, and announces its ticks so that a webserver action can answer with the state
// the tick produced.
import type { Scheduler } from '../engine/scheduler';
import type { SqlClient } from '../store/database';
import { listen, notify, SCHEDULER_CHANNEL, TICKED_CHANNEL, type Listener } from '../store/pg-notifications';
import type { Logger } from './logger';

export function listenForSchedulerSignals(databaseUrl: string, scheduler: Scheduler, log: Logger): Promise<Listener> {
  return listen(
    databaseUrl,
    SCHEDULER_CHANNEL,
    (payload) => {
      if (payload === 'reload') void scheduler.reloadDags().then(() => scheduler.wake(), (err: Error) => log('warn', `reloading DAGs failed: ${err.message}`));
      else scheduler.wake();
    },
    // Whatever was announced while the connection was down is found by this tick.
    { log: (message) => log('warn', message), onReconnect: () => scheduler.wake() },
  );
}

/** An onTick listener that notifies TICKED_CHANNEL, at most one notification in flight and one pending. */
export function tickAnnouncer(sql: SqlClient, log: Logger): () => void {
  let sending = false;
  let again = false;
  const send = () => {
    sending = true;
    again = false;
    notify(sql, TICKED_CHANNEL)
      .catch((err: Error) => log('debug', `tick notification failed: ${err.message}`))
      .finally(() => {
        sending = false;
        if (again) send();
      });
  };
  return () => {
    if (sending) again = true;
    else send();
  };
}
