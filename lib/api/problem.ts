// RFC 7807 problem responses in the shape of Airflow's API errors (same `type` identifiers), so clients
// that branch on them work unchanged.

const ERRORS_DOC = 'https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html#section/Errors';

export const PROBLEM_TYPES = {
  400: { type: `${ERRORS_DOC}/BadRequest`, title: 'Bad Request' },
  401: { type: `${ERRORS_DOC}/Unauthenticated`, title: 'Unauthorized' },
  403: { type: `${ERRORS_DOC}/PermissionDenied`, title: 'Forbidden' },
  404: { type: `${ERRORS_DOC}/NotFound`, title: 'Not Found' },
  405: { type: `${ERRORS_DOC}/MethodNotAllowed`, title: 'Method Not Allowed' },
  409: { type: `${ERRORS_DOC}/AlreadyExists`, title: 'Conflict' },
  413: { type: `${ERRORS_DOC}/BadRequest`, title: 'Payload Too Large' },
  429: { type: `${ERRORS_DOC}/Unauthenticated`, title: 'Too Many Requests' },
  500: { type: `${ERRORS_DOC}/Unknown`, title: 'Internal Server Error' },
  503: { type: `${ERRORS_DOC}/Unknown`, title: 'Service Unavailable' },
} as const;

export type ProblemStatus = keyof typeof PROBLEM_TYPES;

export function problem(status: ProblemStatus, detail: string, extra: Record<string, unknown> = {}): Response {
  const { type, title } = PROBLEM_TYPES[status];
  return new Response(JSON.stringify({ type, title, status, detail, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}
