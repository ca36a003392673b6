// The service handler of a worker's task runners: a task's service call goes over HTTP to the webserver's
// task-execution endpoint, with the token of its try (DESIGN.md §1: no database credentials on workers).
import type { ServiceHandler, TryIdentity } from '../../engine/executor-port';
import { NonRetriableError } from '../../engine/task-context';
import { AnswerTooLargeError } from '../../kernel/http-request';
import { formatBytes } from '../../kernel/format-bytes';
import { jsonPoster, type PostAnswer } from './service-call-transport';

/** The endpoint (task-execution-endpoint.ts); its body is { method, payload }, its answer { value } or a problem. */
export const TASK_SERVICES_PATH = '/execution/services';

/** A call is answered within this or fails the call (retriably): a hung webserver must not hang the try. */
const CALL_TIMEOUT_MS = 60_000;

/** Waits between attempts while the webserver cannot be reached (a restart, a deploy): about 30 s in all. */
const UNREACHABLE_WAITS_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

/** Far above any XCom a task may return (1 MiB by default), but a bound: a wrong server must not fill the memory. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface RemoteServiceOptions {
  timeoutMs?: number;
  unreachableWaitsMs?: readonly number[];
  maxAnswerBytes?: number;
}

export function remoteServiceHandler(
  apiUrl: string,
  tokenOf: (job: TryIdentity) => string | undefined,
  options: RemoteServiceOptions = {},
): ServiceHandler {
  const url = `${apiUrl}${TASK_SERVICES_PATH}`;
  const waits = options.unreachableWaitsMs ?? UNREACHABLE_WAITS_MS;
  // Redirects are not followed: one means FLASHFLOW_API_URL is not a webserver that answers task calls (a login
  // page, a proxy).
  const post = jsonPoster(url, { timeoutMs: options.timeoutMs ?? CALL_TIMEOUT_MS, maxAnswerBytes: options.maxAnswerBytes ?? MAX_ANSWER_BYTES });
  return async (job, method, payload) => {
    const token = tokenOf(job);
    if (!token) throw new Error(`service ${method}: this worker holds no token for the try`);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // An absent input stays absent (JSON drops it): a contract may take none, and null is not none.
    const request = JSON.stringify({ method, payload });
    let answer: PostAnswer | null = null;
    for (let attempt = 0; ; attempt++) {
      try {
        answer = await post(headers, request);
      } catch (err) {
        if (err instanceof AnswerTooLargeError) {
          throw new Error(`service ${method}: the answer from ${url} is larger than the ${formatBytes(err.limitBytes)} a service call may return`, { cause: err });
        }
        // Refused: the call never reached a webserver, so sending it again cannot apply it twice.
        const refused = (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
        if (!refused || attempt >= waits.length) {
          throw new Error(`service ${method}: the webserver at ${apiUrl} did not answer (${(err as Error).message})`, { cause: err });
        }
      }
      // 503: the webserver's gate could not serve it (its database is away); the service did not run.
      if (answer && answer.status !== 503) break;
      if (attempt >= waits.length) break;
      await new Promise((resolve) => setTimeout(resolve, waits[attempt]));
    }
    const { status, location, text } = answer!;
    if (status >= 300 && status < 400) {
      const to = location ? `, a redirect to ${location}` : '';
      throw new Error(`service ${method}: ${url} did not answer as a Flashflow webserver (HTTP ${status}${to}; redirects are not followed, so FLASHFLOW_API_URL must name the webserver itself)`);
    }
    const body = parseBody(text);
    if (status >= 200 && status < 300) {
      // Anything but our answer must not pass for a service that succeeded with nothing to say.
      if (!body || !('value' in body)) throw new Error(`service ${method}: ${url} did not answer as a Flashflow webserver (HTTP ${status})`);
      return body.value ?? null;
    }
    const detail = body?.detail ?? `HTTP ${status}`;
    // The request itself was wrong (bad payload, unknown method, a try that no longer runs): retrying cannot help.
    if (body?.permanent) throw new NonRetriableError(detail);
    throw new Error(detail);
  };
}

/** The endpoint's answer ({ value }) or its problem ({ detail, permanent }); checked where it is read. */
type AnswerBody = { value?: unknown; detail?: string; permanent?: boolean };

function parseBody(text: string): AnswerBody | null {
  try {
    const body = JSON.parse(text) as unknown;
    return body && typeof body === 'object' ? (body as AnswerBody) : null;
  } catch {
    return null;
  }
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
