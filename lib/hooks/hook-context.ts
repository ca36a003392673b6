// How a hook obtains its connection inside a task: by asking the process that owns the database
// (`connections.get`, services.ts), never by opening it (DESIGN.md §1).
import { NonRetriableError, type TaskContext } from '../engine/task-context';
import { connectionEnvVar, connectionExtra, type Connection } from '../connections/connection-model';

/** The part of a task's ctx a hook uses; a function task passes its whole ctx. */
export type HookContext = Pick<TaskContext, 'call' | 'signal' | 'log'>;

export const CONNECTIONS_GET = 'connections.get';

export interface ConnectionsGetPayload {
  connId: string;
}

/** The connection with its secrets in clear; fails without retry when it is not defined anywhere. */
export async function fetchConnection(ctx: Pick<TaskContext, 'call'>, connId: string): Promise<Connection> {
  const conn = await ctx.call<Connection | null>(CONNECTIONS_GET, { connId } satisfies ConnectionsGetPayload);
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

