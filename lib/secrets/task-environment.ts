// What of a process's environment task code may inherit (runner processes, bash, isolated environments). Secrets the
// server holds stay with the server: tasks reach connections, the LLM provider and alerts through services, so a
// DAG author's `env` or a careless `console.log(process.env)` cannot publish them in a log (DESIGN.md §1).
import { isSensitiveKey } from '../connections/connection-model';

/** Flashflow's own settings that are credentials, or lead to them, although their names do not all say so. */
const SERVER_ONLY = new Set([
  'FLASHFLOW_SECRET_KEY',
  'DATABASE_URL',
  // Whoever can write to the queue can make workers run any task.
  'REDIS_URL',
  'OPENAI_API_KEY',
  'FLASHFLOW_SMTP_USER',
  'FLASHFLOW_SMTP_PASSWORD',
  'SMTP_USER',
  'SMTP_PASSWORD',
  // A webhook URL is its own secret.
  'FLASHFLOW_SLACK_WEBHOOK_URL',
  'FLASHFLOW_ALERT_WEBHOOK_URL',
]);

/**
 * Whether a variable stays out of task environments: the settings above, every connection defined in the
 * environment (FLASHFLOW_CONN_<ID>), and any other FLASHFLOW_ variable whose name says it is secret
 * (FLASHFLOW_VAR_API_TOKEN). A user's own variables (MY_TOOL_HOME) are passed on, as Airflow does.
 */
export function isServerSecret(name: string): boolean {
  return SERVER_ONLY.has(name) || name.startsWith('FLASHFLOW_CONN_') || (name.startsWith('FLASHFLOW_') && isSensitiveKey(name));
}

export function withoutServerSecrets(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isServerSecret(name)));
}
