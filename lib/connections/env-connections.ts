// Connections defined in the environment: FLASHFLOW_CONN_<CONN_ID> (Airflow's AIRFLOW_CONN_*), as a connection URI
// or JSON. Read by whichever process answers a task's `connections.get`, before the table: the owner of the database,
// and a worker for its own tries (ADR 0034). Pure: the environment is passed in from the edge.
import { CONN_ENV_PREFIX, connectionEnvVar, parseConnectionJson, parseConnectionUri, type Connection } from './connection-model';

/** A connection defined by a FLASHFLOW_CONN_* variable (URI or JSON), or null when there is none. */
export function envConnection(env: Record<string, string | undefined>, connId: string): Connection | null {
  const value = env[connectionEnvVar(connId)];
  if (value === undefined || value.trim() === '') return null;
  return value.trim().startsWith('{') ? parseConnectionJson(connId, value) : parseConnectionUri(connId, value);
}

/** Every connection defined in the environment, conn_id in lower case (the variable name tells no case). */
export function listEnvConnections(env: Record<string, string | undefined>): Connection[] {
  return Object.keys(env)
    .filter((name) => name.startsWith(CONN_ENV_PREFIX) && name.length > CONN_ENV_PREFIX.length)
    .sort()
    .flatMap((name) => {
      const connId = name.slice(CONN_ENV_PREFIX.length).toLowerCase();
      const conn = envConnection(env, connId);
      return conn ? [conn] : [];
    });
}
