// Any /api/v1 path no route matches: a problem+json 404 (Airflow's NotFound) instead of Next's HTML page.
import { instanceOf, problem } from '@/lib/api/problem';

export const dynamic = 'force-dynamic';

function notFound(req: Request): Response {
  const instance = instanceOf(req.url);
  return problem(404, `${req.method} ${instance} is not an endpoint of this API; GET /api/v1/openapi.json lists them`, { instance });
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
