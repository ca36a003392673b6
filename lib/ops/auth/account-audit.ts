// Account changes in the event log (table `log`, GET /api/v1/eventLogs): who changed whose password and who made or
// revoked which API token, written in the same transaction as the change itself. Never a password or a token.
import { userInfo } from 'node:os';

/** Where the change came from (the event is `<via>.<action>`, like `api.post_dag_run`) and who made it. */
export interface AccountAudit {
  via: 'ui' | 'cli';
  /** The signed-in user, or for the CLI the operating-system user running it (Airflow's CLI logs the same). */
  owner: string;
}

export type AccountAction = 'change_password' | 'reset_password' | 'create_token' | 'revoke_token';

export function auditRow(audit: AccountAudit, action: AccountAction, extra: Record<string, unknown>, now: Date) {
  return { dttm: now, event: `${audit.via}.${action}`, owner: audit.owner, extra: JSON.stringify(extra) };
}

/** The CLI's audit owner: the OS user, as the control socket lets only the server's own user in. */
export function cliAudit(): AccountAudit {
  let owner = 'unknown';
  try {
    owner = userInfo().username;
  } catch {
    // no passwd entry (a container's arbitrary uid)
  }
  return { via: 'cli', owner };
}
