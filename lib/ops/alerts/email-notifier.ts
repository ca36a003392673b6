// Email alerts over SMTP (nodemailer): one message per alert to the task's `email` list, plus the addresses in
// its email variable. SMTP settings come from FLASHFLOW_SMTP_* / SMTP_* (config.ts), else from connection
// `smtp_default`; both the connection and the variable are read at each alert, so a change in the UI takes effect
// without a restart.
import { z } from 'zod';
import { formatZodIssues } from '../../kernel/zod-issues';
import type { ConnectionSource } from '../../store/connections';
import { sendSmtp } from '../../hooks/smtp-send';
import { SMTP_CONN_ID, smtpFromConnection, type SmtpSettings } from '../../hooks/smtp-settings';
import type { AlertRoute, Notifier } from './notifier-port';
import type { Alert } from './alert-model';

const NO_SMTP =
  `no SMTP server configured: set FLASHFLOW_SMTP_HOST (and _PORT, _USER, _PASSWORD, _MAIL_FROM) or create connection '${SMTP_CONN_ID}'`;

export interface EmailNotifierDeps {
  smtp: SmtpSettings | null;
  connections: ConnectionSource | null;
  hostname: string;
  /** A variable's value, or null when it is not set. */
  variable?: (key: string) => Promise<string | null>;
}

export function emailNotifier(deps: EmailNotifierDeps): Notifier {
  return {
    channel: 'email',
    async route(alert): Promise<AlertRoute | null> {
      if (alert.emails.length === 0 && alert.emailVariable === null) return null;
      const listed = alert.emailVariable === null ? { emails: [] } : await recipientsFromVariable(alert.emailVariable, deps.variable);
      if ('problem' in listed && alert.emails.length === 0) return { recipient: null, skipped: listed.problem };
      const emails = [...new Set([...alert.emails, ...('emails' in listed ? listed.emails : [])])];
      const recipient = emails.join(', ');
      let smtp = deps.smtp;
      if (!smtp && deps.connections) {
        try {
          const conn = await deps.connections.get(SMTP_CONN_ID);
          smtp = conn ? smtpFromConnection(conn, deps.hostname) : null;
        } catch (err) {
          return { recipient, skipped: `cannot read connection '${SMTP_CONN_ID}': ${(err as Error).message}` };
        }
      }
      if (!smtp) return { recipient, skipped: NO_SMTP };
      const settings = smtp;
      return { recipient, deliver: (signal) => sendMail(settings, { ...alert, emails }, signal) };
    },
  };
}

const addressList = z.array(z.email());

/** Addresses from a variable holding a JSON list or a list split by commas, semicolons or white space. */
async function recipientsFromVariable(
  key: string,
  read: EmailNotifierDeps['variable'],
): Promise<{ emails: string[] } | { problem: string }> {
  let value: string | null;
  try {
    value = read ? await read(key) : null;
  } catch (err) {
    return { problem: `cannot read variable '${key}' for the recipients: ${(err as Error).message}` };
  }
  if (value === null || value.trim() === '') {
    return { problem: `no recipients: variable '${key}' is not set (set it to a comma-separated list of addresses)` };
  }
  let items: unknown;
  try {
    items = value.trim().startsWith('[') ? JSON.parse(value) : value.split(/[\s,;]+/).filter(Boolean);
  } catch {
    return { problem: `variable '${key}' starts like a JSON list but is not valid JSON` };
  }
  const parsed = addressList.safeParse(items);
  if (!parsed.success) return { problem: `variable '${key}' does not hold email addresses: ${formatZodIssues(parsed.error)}` };
  return { emails: parsed.data };
}

async function sendMail(smtp: SmtpSettings, alert: Alert, signal: AbortSignal): Promise<void> {
  await sendSmtp(smtp, { to: alert.emails, subject: alert.subject, text: alert.body, headers: { 'X-Flashflow-Alert': alert.kind } }, signal);
}
