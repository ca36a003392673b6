// A worker answers its tries' `connections.get` and `variables.get` from its own FLASHFLOW_CONN_* and
// FLASHFLOW_VAR_* variables before asking the webserver: Airflow's order, where the task's own process reads
// AIRFLOW_CONN_* and AIRFLOW_VAR_* first (ADR 0034). What a deployment pins in the workers' environment then costs
// no call to the webserver and no read of the database, and a worker may hold a pin the webserver does not.
import { connIdSchema } from '../../connections/connection-model';
import { envConnection } from '../../connections/env-connections';
import { variableServiceContracts } from '../../engine/engine-service-contracts';
import { envVariable } from '../../engine/env-variables';
import type { ServiceHandler } from '../../engine/executor-port';
import { methodName } from '../../engine/service-contract';
import { connectionServiceContracts } from '../../hooks/connection-service-contract';

const GET_CONNECTION = methodName('connections', 'get');
const GET_VARIABLE = methodName('variables', 'get');

/** `env`: the worker's FLASHFLOW_CONN_* and FLASHFLOW_VAR_* variables (config.ts), not what its tasks inherit. */
export function withEnvPins(env: Record<string, string | undefined>, next: ServiceHandler): ServiceHandler {
  // Anything malformed goes on to the webserver, whose answer names what is wrong.
  return async (job, method, payload) => {
    if (method === GET_CONNECTION) {
      const input = connectionServiceContracts.get.input.safeParse(payload);
      if (input.success && connIdSchema.safeParse(input.data.connId).success) {
        const connection = envConnection(env, input.data.connId);
        if (connection) return connection;
      }
    } else if (method === GET_VARIABLE) {
      const input = variableServiceContracts.get.input.safeParse(payload);
      const pinned = input.success ? envVariable(env, input.data.key) : undefined;
      if (pinned !== undefined) return pinned;
    }
    return next(job, method, payload);
  };
}
