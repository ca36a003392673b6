// What a restart or an outage of the database server looks like from a client, whatever the driver: the scheduler
// reconnects on it, and the webserver answers 503 with one log line instead of a 500 and a stack trace.

// SQLSTATE classes 08 (connection exception) and 57P (server shutting down or starting), socket errors, and Prisma's
// "cannot reach" / "closed the connection".
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'P1001', 'P1017']);

export function isConnectionLoss(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('08') || code.startsWith('57P'))) return true;
    if (/Connection terminated|connection ended|Can't reach database server/i.test(e.message)) return true;
  }
  return false;
}

/** The first line of what went wrong, for a log line that names the outage without a stack trace. */
export function connectionLossSummary(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'connection lost';
}
