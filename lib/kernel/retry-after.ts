// Retry-After (RFC 9110 §10.2.3): how long a server asks a client to wait, as seconds or as an HTTP date. Read by
// the HTTP hook and the LLM client, each with its own cap on what it accepts.

/** The wait in milliseconds (a date already past waits 0), or null when the header is absent or malformed. */
export function retryAfterMs(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : null;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}
