// The one wrapper every /api/v1 route handler goes through: it hands the handler the runtime, turns
// its result into JSON, and turns typed errors into problem+json (never a stack trace to the client).
import { ZodError } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../engine/errors';
import { getRuntime, RuntimeUnavailableError } from '../runtime/app-context';
import type { Runtime } from '../runtime/start-runtime';
import { problem } from './problem';

export interface RouteContext<P> {
  params: P;
  runtime: Runtime;
}

type Handler<P> = (req: Request, ctx: RouteContext<P>) => Promise<unknown>;

export function apiRoute<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: Request, nextCtx: { params: Promise<P> }): Promise<Response> => {
    try {
      const runtime = getRuntime();
      const params = await nextCtx.params;
      const result = await handler(req, { params, runtime });
      return result instanceof Response ? result : Response.json(result);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export function errorResponse(err: unknown): Response {
  if (err instanceof ZodError) {
    const fields = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return problem(400, fields.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; '), { fields });
  }
  if (err instanceof InvalidInputError) return problem(400, err.message, { fields: err.fields });
  if (err instanceof NotFoundError) return problem(404, err.message);
  if (err instanceof ConflictError) return problem(409, err.message);
  if (err instanceof RuntimeUnavailableError) return problem(503, err.message);
  console.error('unhandled API error', err);
  return problem(500, 'An unexpected error occurred; the server log has the details.');
}
