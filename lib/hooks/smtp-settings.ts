// Airflow's SMTP connection as settings, and back: what alerts, the email operator and the connection test agree
// on. Apart from smtp-transport.ts so that reading a configuration or importing the SDK does not load nodemailer.
import { connectionExtra, type Connection } from '../connections/connection-model';

/** The connection e-mail alerts fall back to and the email operator uses unless told otherwise. */
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

/**
 * The settings in Airflow's JSON connection form, so FLASHFLOW_SMTP_* can stand as connection `smtp_default` for
 * the email operator: a deployment configures its mail server once, for alerts and tasks alike.
 */
export function smtpConnectionJson(smtp: SmtpSettings): string {
  return JSON.stringify({
    conn_type: 'smtp',
    description: 'From FLASHFLOW_SMTP_* (the server e-mail alerts use)',
    host: smtp.host,
    port: smtp.port,
    login: smtp.user,
    password: smtp.password,
    extra: { from_email: smtp.mailFrom, disable_ssl: !smtp.ssl, disable_tls: !smtp.starttls },
  });
}
