// RFC 7807 problem responses in the shape of Airflow's API errors (same `type` identifiers), so clients
// that branch on them work unchanged. Every problem names its `instance`: the path of the request it answers.

const ERRORS_DOC = 'https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html#section/Errors';

export const PROBLEM_TYPES = {
  400: { type: `${ERRORS_DOC}/BadRequest`, title: 'Bad Request' },
  401: { type: `${ERRORS_DOC}/Unauthenticated`, title: 'Unauthorized' },
  403: { type: `${ERRORS_DOC}/PermissionDenied`, title: 'Forbidden' },
  404: { type: `${ERRORS_DOC}/NotFound`, title: 'Not Found' },
  405: { type: `${ERRORS_DOC}/MethodNotAllowed`, title: 'Method Not Allowed' },
  409: { type: `${ERRORS_DOC}/AlreadyExists`, title: 'Conflict' },
  413: { type: `${ERRORS_DOC}/BadRequest`, title: 'Payload Too Large' },
  415: { type: `${ERRORS_DOC}/UnsupportedMediaType`, title: 'Unsupported Media Type' },
  429: { type: `${ERRORS_DOC}/Unauthenticated`, title: 'Too Many Requests' },
  500: { type: `${ERRORS_DOC}/Unknown`, title: 'Internal Server Error' },
  503: { type: `${ERRORS_DOC}/Unknown`, title: 'Service Unavailable' },
} as const;

export type ProblemStatus = keyof typeof PROBLEM_TYPES;

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** `extra.instance` is the request path; a problem built without one gets it from withInstance() on the way out. */
export function problem(status: ProblemStatus, detail: string, extra: Record<string, unknown> = {}): Response {
  const { type, title } = PROBLEM_TYPES[status];
  return new Response(JSON.stringify({ type, title, status, detail, ...extra }), {
    status,
    headers: { 'content-type': PROBLEM_MEDIA_TYPE },
  });
}

/** The request's path as a problem's `instance`: the path only, as received (a query may hold secrets). */
export function instanceOf(url: string): string {
  return new URL(url, 'http://localhost').pathname;
}

/** `response` with `instance` set when it is a problem that lacks one; any other response is returned as is. */
export async function withInstance(response: Response, instance: string): Promise<Response> {
  if (!response.headers.get('content-type')?.startsWith(PROBLEM_MEDIA_TYPE)) return response;
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON after all: passed on untouched.
  }
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  const next = fields && !('instance' in fields) ? JSON.stringify({ ...fields, instance }) : text;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(next, { status: response.status, statusText: response.statusText, headers });
}
