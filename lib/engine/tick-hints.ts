// What earlier events say the next tick may find to do. Each hint lets a tick skip a query that would
// usually find nothing (ADR 0015); a poll tick ignores them and does everything.
export class TickHints {
  /**
   * Something may be queueable: a slot freed, a task became scheduled, or someone asked. A tick that only
   * records starts, logs and heartbeats leaves it false and skips the candidate query, which costs more
   * than those writes and would otherwise run on every one of them.
   */
  queueMayHaveWork = true;
  /** Queued runs may be startable (a run ended, one was created, or an action asked); saves a query per tick. */
  runsMayStart = true;
  /** An asset was updated, so an asset-scheduled DAG may be ready to run. */
  assetsChanged = true;
  /** Earliest next_retry_at this scheduler knows of; retries are promoted only once it has passed. */
  retryDueAt: Date | null = null;
}
