// FLASHFLOW_VAR_<KEY> (Airflow's AIRFLOW_VAR_<KEY>): a variable pinned in the environment, which wins over the
// variable table. Read by whichever process answers a task's `variables.get`: the owner of the database, and a
// worker for its own tries (ADR 0034). Pure: the environment is passed in from the edge.

/** The key upper-cased, as Airflow reads it; undefined when the variable is not pinned. */
export function envVariable(env: Record<string, string | undefined>, key: string): string | undefined {
  return env[`FLASHFLOW_VAR_${key.toUpperCase()}`];
}
