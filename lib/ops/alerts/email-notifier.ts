// Email alerts over SMTP (nodemailer): one message per alert to the task's `email` list. SMTP settings come from
// FLASHFLOW_SMTP_* / SMTP_* (config.ts), else from connection `smtp_default`, read at each alert so a connection
// added in the UI takes effect without a restart.
import nodemailer from 'nodemailer';
import { connectionExtra, type Connection, type ConnectionSource } from '../../store/connections';
import type { AlertRoute, Notifier } from './notifier-port';
import { DeliveryError } from './notifier-port';
import type { Alert } from './alert-model';

export const SMTP_CONN_ID = 'smtp_default';

export interface SmtpSettings {
  host: string;
  port: number;
  user: string | null;
  password: string | null;
  mailFrom: string;
  /** Implicit TLS from the first byte (port 465). */
  ssl: boolean;
  /** Require STARTTLS; false never upgrades (a local relay without TLS). */
  starttls: boolean;
}

const NO_SMTP =
  `no SMTP server configured: set FLASHFLOW_SMTP_HOST (and _PORT, _USER, _PASSWORD, _MAIL_FROM) or create connection '${SMTP_CONN_ID}'`;

/** Failures another try cannot fix: bad credentials, refused addresses, TLS the server lacks, bad settings. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EENVELOPE', 'ECONFIG', 'ETLS', 'EREQUIRETLS', 'EMAXRECIPIENTS']);

export function emailNotifier(deps: { smtp: SmtpSettings | null; connections: ConnectionSource | null; hostname: string }): Notifier {
  return {
    channel: 'email',
    async route(alert): Promise<AlertRoute | null> {
      if (alert.emails.length === 0) return null;
      const recipient = alert.emails.join(', ');
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
      return { recipient, deliver: (signal) => sendMail(settings, alert, signal) };
    },
  };
}

/**
 * Airflow's SMTP connection: host, port, login, password; extra `from_email`, `disable_ssl` (implicit TLS is on
 * unless disabled, as in Airflow's SmtpHook) and `disable_tls` (no STARTTLS).
 */
export function smtpFromConnection(conn: Connection, hostname: string): SmtpSettings | null {
  if (!conn.host) return null;
  const extra = connectionExtra(conn);
  const ssl = extra.disable_ssl !== true && extra.disable_ssl !== 'true';
  const starttls = !ssl && extra.disable_tls !== true && extra.disable_tls !== 'true';
  return {
    host: conn.host,
    port: conn.port ?? (ssl ? 465 : 587),
    user: conn.login,
    password: conn.password,
    mailFrom: typeof extra.from_email === 'string' && extra.from_email ? extra.from_email : `flashflow@${hostname}`,
    ssl,
    starttls,
  };
}

/** A nodemailer transport for these settings (alerts and the connection test share it): implicit TLS, STARTTLS
 *  required, or plain, as the settings say. */
export function createSmtpTransport(smtp: SmtpSettings, timeouts: { connectMs: number; socketMs: number }) {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.ssl,
    requireTLS: !smtp.ssl && smtp.starttls,
    ignoreTLS: !smtp.ssl && !smtp.starttls,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.connectMs,
    socketTimeout: timeouts.socketMs,
  });
}

async function sendMail(smtp: SmtpSettings, alert: Alert, signal: AbortSignal): Promise<void> {
  const transport = createSmtpTransport(smtp, { connectMs: 10_000, socketMs: 30_000 });
  const abort = () => transport.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await transport.sendMail({
      from: smtp.mailFrom,
      to: alert.emails,
      subject: alert.subject,
      text: alert.body,
      headers: { 'X-Flashflow-Alert': alert.kind },
    });
  } catch (err) {
    const e = err as Error & { code?: string; responseCode?: number; response?: string };
    const permanent = PERMANENT_CODES.has(e.code ?? '') || (e.responseCode !== undefined && e.responseCode >= 500);
    throw new DeliveryError(`SMTP ${smtp.host}:${smtp.port}: ${e.response ?? e.message}${e.code ? ` (${e.code})` : ''}`, permanent);
  } finally {
    signal.removeEventListener('abort', abort);
    transport.close();
  }
}
