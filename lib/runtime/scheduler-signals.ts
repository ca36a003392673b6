// The scheduler's side of the PostgreSQL notifications (pg-notifications.ts): it wakes when another process
// (webserver, CLI) changed something, and announces the tick that follows, so that a webserver action can answer
// with the state the tick produced.
import type { Scheduler } from '../engine/scheduler';
import type { SqlClient } from '../store/database';
import { listen, notify, SCHEDULER_CHANNEL, TICKED_CHANNEL, type Listener } from '../store/pg-notifications';
import type { Logger } from './logger';

export function listenForSchedulerSignals(databaseUrl: string, sql: SqlClient, scheduler: Scheduler, log: Logger): Promise<Listener> {
  const announce = tickAnnouncer(sql, log);
  // Only a process that woke the scheduler can be waiting for the state its action leads to (a webserver's PATCH or
  // trigger answering with it): the tick after each wake is announced, and no other. Announcing every tick that
  // changed something cost more than one notification per task under load, each waking every webserver.
  const wakeThenAnnounce = () => void scheduler.afterNextTick().then(announce);
  return listen(
    databaseUrl,
    SCHEDULER_CHANNEL,
    (payload) => {
      if (payload === 'reload') void scheduler.reloadDags().then(wakeThenAnnounce, (err: Error) => log('warn', `reloading DAGs failed: ${err.message}`));
      else wakeThenAnnounce();
    },
    // Whatever was announced while the connection was down is found by this tick.
    { log: (message) => log('warn', message), onReconnect: wakeThenAnnounce },
  );
}

/** Notifies TICKED_CHANNEL, at most one notification in flight and one pending. */
function tickAnnouncer(sql: SqlClient, log: Logger): () => void {
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
