// The SMTP settings turned into a nodemailer transport. Here, below alerts, because the connection test (a hook),
// the email operator and email alerts (an ops service) all open one, and hooks must not reach up into ops.
import nodemailer from 'nodemailer';
import type { SmtpSettings } from './smtp-settings';

/** Implicit TLS, STARTTLS required, or plain, as the settings say. */
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
