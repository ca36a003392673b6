// Every service task code can call, by domain: the one registry both sides of the process boundary use. Task
// runners build `ctx.services` from it (clients that check each call against its contract); the processes that own
// the database answer it with the implementations lib/runtime/task-services.ts wires to the same contracts.
import {
  assetServiceContracts,
  dagServiceContracts,
  runServiceContracts,
  taskServiceContracts,
  variableServiceContracts,
  xcomServiceContracts,
} from '../engine/engine-service-contracts';
import type { ServiceClients } from '../engine/service-contract';
import { flashcardServiceContracts, llmServiceContracts } from '../flashcards/service-contracts';
import { connectionServiceContracts } from '../hooks/connection-service-contract';

export const serviceRegistry = {
  assets: assetServiceContracts,
  connections: connectionServiceContracts,
  dags: dagServiceContracts,
  flashcards: flashcardServiceContracts,
  llm: llmServiceContracts,
  runs: runServiceContracts,
  tasks: taskServiceContracts,
  variables: variableServiceContracts,
  xcom: xcomServiceContracts,
};

export type TaskServiceRegistry = typeof serviceRegistry;

declare module '../engine/task-context' {
  // Declaration merging: gives `ctx.services` its domains wherever this module is part of the program (every DAG
  // file imports it through `flashflow`).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface TaskServices extends ServiceClients<TaskServiceRegistry> {}
}
