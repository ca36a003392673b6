// What the web app (pages, /api/v1, server actions, /metrics) uses of the process it runs in. `flashflow standalone`
// gives it the whole engine runtime; `flashflow webserver` gives it a database and a way to nudge the scheduler
// that runs in another process (web-runtime.ts).
import type { Clock } from '../kernel/clock';
import type { FlashflowMetrics } from '../ops/metrics/flashflow-metrics';
import type { SecretBox } from '../secrets/secret-box';
import type { Database } from '../store/database';
import type { FlashflowConfig } from './config';

/** The scheduler as the web app reaches it: in this process, or over PostgreSQL notifications. */
export interface SchedulerControl {
  /** Asks for a tick soon: a run or task changed. */
  wake(): void;
  /** DAG definitions or pause flags changed in the database. */
  reloadDags(): Promise<void>;
  /** Resolves when the scheduler has applied what it was woken for (or soon after, when it runs elsewhere). */
  idle(): Promise<void>;
}

export interface AppRuntime {
  config: FlashflowConfig;
  db: Database;
  clock: Clock;
  scheduler: SchedulerControl;
  metrics: FlashflowMetrics;
  /** Encrypts connection secrets at rest (FLASHFLOW_SECRET_KEY or $FLASHFLOW_HOME/secret.key). */
  secrets: SecretBox;
  stop(): Promise<void>;
}
