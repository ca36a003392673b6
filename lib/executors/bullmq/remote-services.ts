// The service handler of a worker's task runners: a task's ctx.call goes over HTTP to the webserver's
// task-execution endpoint, with the token of its try (DESIGN.md §1: no database credentials on workers).
import type { ServiceHandler, TryIdentity } from '../../engine/executor-port';
import { NonRetriableError } from '../../engine/task-context';

/** The endpoint (task-execution-endpoint.ts); its body is { method, payload }, its answer { value } or a problem. */
export const TASK_SERVICES_PATH = '/execution/services';

/** A call is answered within this or fails the call (retriably): a hung webserver must not hang the try. */
const CALL_TIMEOUT_MS = 60_000;

export function remoteServiceHandler(apiUrl: string, tokenOf: (job: TryIdentity) => string | undefined): ServiceHandler {
  const url = `${apiUrl}${TASK_SERVICES_PATH}`;
  return async (job, method, payload) => {
    const token = tokenOf(job);
    if (!token) throw new Error(`ctx.call('${method}'): this worker holds no token for the try`);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method, payload: payload ?? null }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        // A redirect means FLASHFLOW_API_URL is not a webserver that answers task calls (a login page, a proxy).
        redirect: 'error',
      });
    } catch (err) {
      throw new Error(`ctx.call('${method}'): the webserver at ${apiUrl} did not answer (${(err as Error).message})`, { cause: err });
    }
    const body = (await response.json().catch(() => null)) as { value?: unknown; detail?: string; permanent?: boolean } | null;
    if (response.ok) {
      // Anything but our answer must not pass for a service that succeeded with nothing to say.
      if (!body || !('value' in body)) throw new Error(`ctx.call('${method}'): ${url} did not answer as a Flashflow webserver (HTTP ${response.status})`);
      return body.value ?? null;
    }
    const detail = body?.detail ?? `HTTP ${response.status}`;
    // The request itself was wrong (bad payload, unknown method, a try that no longer runs): retrying cannot help.
    if (body?.permanent) throw new NonRetriableError(detail);
    throw new Error(detail);
  };
}
