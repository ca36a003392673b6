// POSTs JSON to a webhook (Slack's or a generic one; an alert or a task's message) and classifies failures for the
// retry policy: network errors, timeouts, 408, 429 and 5xx are worth another try; other 4xx answers are not.
import { DeliveryError } from './delivery-error';

const TIMEOUT_MS = 10_000;

export async function postJson(url: string, payload: unknown, signal: AbortSignal, headers: Record<string, string> = {}): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'flashflow', ...headers },
      body: JSON.stringify(payload),
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
      // A webhook's URL is its credential: no redirect is followed, so the payload goes nowhere else.
      redirect: 'manual',
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new DeliveryError(`POST ${redactUrl(url)} failed: ${why}`, false);
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return;
  const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
  if (location !== null) {
    const to = URL.canParse(location, url) ? redactUrl(new URL(location, url).href) : '(invalid URL)';
    throw new DeliveryError(`POST ${redactUrl(url)} answered ${res.status}, a redirect to ${to}: webhooks are not followed across redirects; configure the final URL`, true);
  }
  const retriable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new DeliveryError(`POST ${redactUrl(url)} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, !retriable);
}

/** A webhook URL's path is its secret (Slack's /services/T…/B…/…): keep only scheme and host. */
export function redactUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
