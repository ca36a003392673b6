// Sends one message over SMTP and says whether a failure is worth another try. E-mail alerts and the email operator
// both send through here, so both classify a rejected login or mailbox the same way.
import type { SendMailOptions } from 'nodemailer';
import { DeliveryError } from './delivery-error';
import type { SmtpSettings } from './smtp-settings';
import { createSmtpTransport } from './smtp-transport';

/** Failures another try cannot fix: bad credentials, refused addresses, TLS the server lacks, bad settings. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EENVELOPE', 'ECONFIG', 'ETLS', 'EREQUIRETLS', 'EMAXRECIPIENTS']);

export type SmtpMessage = Omit<SendMailOptions, 'from'>;

/** Sends from the settings' address; aborting closes the connection. Resolves with the server's message id. */
export async function sendSmtp(smtp: SmtpSettings, message: SmtpMessage, signal: AbortSignal): Promise<string | null> {
  const transport = createSmtpTransport(smtp, { connectMs: 10_000, socketMs: 30_000 });
  const abort = () => transport.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    const info = await transport.sendMail({ ...message, from: smtp.mailFrom });
    return typeof info.messageId === 'string' ? info.messageId : null;
  } catch (err) {
    const e = err as Error & { code?: string; responseCode?: number; response?: string };
    const permanent = PERMANENT_CODES.has(e.code ?? '') || (e.responseCode !== undefined && e.responseCode >= 500);
    throw new DeliveryError(`SMTP ${smtp.host}:${smtp.port}: ${e.response ?? e.message}${e.code ? ` (${e.code})` : ''}`, permanent);
  } finally {
    signal.removeEventListener('abort', abort);
    transport.close();
  }
}
