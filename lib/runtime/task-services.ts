// Every service task code can call through ctx.call, in whichever process answers them: the standalone or scheduler
// process for its own runners (over IPC), or a webserver for remote workers (task-execution-endpoint.ts).
import type { ServiceHandler, TryIdentity } from '../engine/executor-port';
import type { ConnectionSource } from '../store/connections';
import type { SqlClient } from '../store/database';
import type { FlashflowConfig } from './config';
import { engineServices } from './engine-services';
import { flashcardServices } from './flashcard-services';
import { createServiceHandler } from './services';

export interface TaskServiceDeps {
  sql: SqlClient;
  now: () => Date;
  connections: ConnectionSource;
  llmEnv: FlashflowConfig['llmEnv'];
  /** Tells the scheduler about new work (a triggered run). */
  wake: () => void;
  /** Awaited before a service that changes something: the try must be recorded as started (ADR 0018). */
  beforeChange: (job: TryIdentity) => Promise<void>;
}

export function taskServiceHandler(deps: TaskServiceDeps): ServiceHandler {
  const { sql, now, connections } = deps;
  return createServiceHandler(
    sql,
    { ...engineServices(sql, now, deps.wake), ...flashcardServices({ sql, now, connections, llmEnv: deps.llmEnv }) },
    { connections, beforeChange: deps.beforeChange },
  );
}
