// The service handler of a worker's task runners: a task's service call goes over HTTP to the webserver's
// task-execution endpoint, with the token of its try (DESIGN.md §1: no database credentials on workers).
import type { ServiceHandler, TryIdentity } from '../../engine/executor-port';
import { NonRetriableError } from '../../engine/task-context';

/** The endpoint (task-execution-endpoint.ts); its body is { method, payload }, its answer { value } or a problem. */
export const TASK_SERVICES_PATH = '/execution/services';

/** A call is answered within this or fails the call (retriably): a hung webserver must not hang the try. */
const CALL_TIMEOUT_MS = 60_000;

/** Waits between attempts while the webserver cannot be reached (a restart, a deploy): about 30 s in all. */
const UNREACHABLE_WAITS_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

export function remoteServiceHandler(apiUrl: string, tokenOf: (job: TryIdentity) => string | undefined): ServiceHandler {
  const url = `${apiUrl}${TASK_SERVICES_PATH}`;
  return async (job, method, payload) => {
    const token = tokenOf(job);
    if (!token) throw new Error(`service ${method}: this worker holds no token for the try`);
    const send = () =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        // An absent input stays absent (JSON drops it): a contract may take none, and null is not none.
        body: JSON.stringify({ method, payload }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        // A redirect means FLASHFLOW_API_URL is not a webserver that answers task calls (a login page, a proxy).
        redirect: 'error',
      });
    let response: Response | null = null;
    for (let attempt = 0; ; attempt++) {
      try {
        response = await send();
      } catch (err) {
        // Refused: the call never reached a webserver, so sending it again cannot apply it twice.
        const refused = (err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
        if (!refused || attempt >= UNREACHABLE_WAITS_MS.length) {
          throw new Error(`service ${method}: the webserver at ${apiUrl} did not answer (${(err as Error).message})`, { cause: err });
        }
      }
      // 503: the webserver's gate could not serve it (its database is away); the service did not run.
      if (response && response.status !== 503) break;
      if (attempt >= UNREACHABLE_WAITS_MS.length) break;
      await new Promise((resolve) => setTimeout(resolve, UNREACHABLE_WAITS_MS[attempt]));
    }
    const body = (await response!.json().catch(() => null)) as { value?: unknown; detail?: string; permanent?: boolean } | null;
    if (response!.ok) {
      // Anything but our answer must not pass for a service that succeeded with nothing to say.
      if (!body || !('value' in body)) throw new Error(`service ${method}: ${url} did not answer as a Flashflow webserver (HTTP ${response!.status})`);
      return body.value ?? null;
    }
    const detail = body?.detail ?? `HTTP ${response!.status}`;
    // The request itself was wrong (bad payload, unknown method, a try that no longer runs): retrying cannot help.
    if (body?.permanent) throw new NonRetriableError(detail);
    throw new Error(detail);
  };
}

/**
 * Checks that `apiUrl` is a Flashflow webserver, as a worker starts: its public health answer, not a login page, a
 * proxy's error or nothing. Throws one line that says what was found instead.
 */
export async function probeWebserver(apiUrl: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/api/v1/health`, { signal: AbortSignal.timeout(5_000), redirect: 'error' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (err as Error).message, { cause: err });
  }
  const body = (await response.json().catch(() => null)) as { metadatabase?: unknown } | null;
  // 503 with the health body is a webserver whose database is away: it is the right address.
  if (!body || typeof body !== 'object' || !('metadatabase' in body)) {
    throw new Error(`HTTP ${response.status} from ${apiUrl}/api/v1/health, which is not a Flashflow webserver's answer`);
  }
}
