// Wires an implementation to every service contract of the registry (lib/sdk/service-registry.ts), for whichever
// process answers task code: the standalone or scheduler process for its own runners (over IPC), or a webserver for
// remote workers (task-execution-endpoint.ts).
import type { ServiceHandler, TryIdentity } from '../engine/executor-port';
import { serviceEndpoints, serviceHandler, type ServiceImplementations } from '../engine/service-contract';
import { flashcardServices, type FlashcardServiceDeps } from '../flashcards/services';
import type { connectionServiceContracts } from '../hooks/connection-service-contract';
import { serviceRegistry } from '../sdk/service-registry';
import type { variableServiceContracts } from '../engine/engine-service-contracts';
import type { ConnectionSource } from '../store/connections';
import { variableSource, type VariableSource } from '../store/variables';
import type { SqlClient } from '../store/database';
import { engineServices } from '../store/engine-services';

export interface TaskServiceDeps {
  sql: SqlClient;
  now: () => Date;
  /** Answers `connections.get` (hooks): env connections, then the table, decrypted (store/connections.ts). */
  connections: ConnectionSource;
  /** Answers `variables.get`; default: the table alone. */
  variables?: VariableSource;
  llmEnv: FlashcardServiceDeps['llmEnv'];
  /** Tells the scheduler about new work (a triggered run). */
  wake: () => void;
  /** Awaited before a service that changes something: the try must be recorded as started (ADR 0018). */
  beforeChange: (job: TryIdentity) => Promise<void>;
}

export function taskServiceHandler(deps: TaskServiceDeps): ServiceHandler {
  const endpoints = serviceEndpoints(serviceRegistry, {
    ...engineServices(deps.sql, deps.now, deps.wake),
    ...flashcardServices(deps),
    connections: connectionServices(deps.connections),
    variables: variableServices(deps.variables ?? variableSource(deps.sql)),
  });
  return serviceHandler(endpoints, { beforeChange: deps.beforeChange });
}

function variableServices(source: VariableSource): ServiceImplementations<typeof variableServiceContracts> {
  return { get: (_job, input) => source.get(input.key) };
}

function connectionServices(source: ConnectionSource): ServiceImplementations<typeof connectionServiceContracts> {
  return { get: (_job, input) => source.get(input.connId) };
}
