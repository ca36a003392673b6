// How a hook obtains its connection inside a task: through the `connections.get` service of the process that owns
// the database (connection-service-contract.ts), never by opening it (DESIGN.md §1).
import type { ServiceClients } from '../engine/service-contract';
import { NonRetriableError, type TaskLogger } from '../engine/task-context';
import { connectionEnvVar, connectionExtra, type Connection } from '../connections/connection-model';
import type { connectionServiceContracts } from './connection-service-contract';

/** The part of a task's ctx a hook uses; a function task passes its whole ctx. */
export interface HookContext {
  services: ServiceClients<{ connections: typeof connectionServiceContracts }>;
  signal: AbortSignal;
  log: TaskLogger;
}

/** The connection with its secrets in clear; fails without retry when it is not defined anywhere. */
export async function fetchConnection(ctx: Pick<HookContext, 'services'>, connId: string): Promise<Connection> {
  const conn = await ctx.services.connections.get({ connId });
  if (!conn) {
    throw new NonRetriableError(
      `connection '${connId}' is not defined: create it (UI, API or CLI) or set ${connectionEnvVar(connId)}`,
    );
  }
  return conn;
}

/**
 * The connection's extra as an object. A malformed one is a configuration mistake that no retry fixes, so it
 * fails the task at once, as every other configuration problem a hook finds does.
 */
export function hookExtra(conn: Connection): Record<string, unknown> {
  try {
    return connectionExtra(conn);
  } catch (error) {
    throw new NonRetriableError((error as Error).message);
  }
}

