// The one wrapper every /api/v1 route handler goes through: it hands the handler the runtime, parses the request
// against the endpoint's contract (path parameters, query, JSON body), turns the result into JSON, and turns typed
// errors into problem+json (never a stack trace to the client).
import { z, ZodError } from 'zod';
import { BusyError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../kernel/errors';
import { getRuntime, RuntimeUnavailableError } from '../runtime/app-context';
import type { AppRuntime } from '../runtime/app-runtime';
import { principalFromHeaders } from '../ops/auth/principal';
import type { Endpoint, EndpointInput, EndpointResult } from './contract';
import { instanceOf, problem, withInstance } from './problem';
import { PayloadTooLargeError, queryObject, readJsonBody, UnsupportedMediaTypeError } from './read-request';
import { connectionLossSummary, isConnectionLoss } from '../store/connection-loss';

export interface RouteContext<P> {
  params: P;
  runtime: AppRuntime;
}

/** Who acts, for the event log: the user the HTTP gate authenticated (Airflow's 'anonymous' on a public path). */
export const ANONYMOUS = 'anonymous';

function actorOf(req: Request): string {
  return principalFromHeaders((name) => req.headers.get(name))?.username ?? ANONYMOUS;
}

export interface EndpointContext<E extends Endpoint> extends EndpointInput<E> {
  req: Request;
  runtime: AppRuntime;
  actor: string;
}

type Handler<P> = (req: Request, ctx: RouteContext<P>) => Promise<unknown>;
type EndpointHandler<E extends Endpoint> = (ctx: EndpointContext<E>) => Promise<EndpointResult<E> | Response>;
type NextHandler = ((req: Request, nextCtx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>) & {
  endpoint?: Endpoint;
};

/** A handler bound to its contract: the request is parsed before `handler` runs. */
export function apiRoute<E extends Endpoint>(contract: E, handler: EndpointHandler<E>): NextHandler;
/** A handler without a contract (health, version). */
export function apiRoute<P = Record<string, never>>(handler: Handler<P>): NextHandler;
export function apiRoute(a: Endpoint | Handler<unknown>, b?: EndpointHandler<Endpoint>): NextHandler {
  if (typeof a === 'function') {
    return async (req, nextCtx) => {
      try {
        const runtime = getRuntime();
        const params = await nextCtx.params;
        const result = await a(req, { params, runtime });
        return result instanceof Response ? await withInstance(result, instanceOf(req.url)) : Response.json(result);
      } catch (err) {
        return errorResponse(err, instanceOf(req.url));
      }
    };
  }
  const contract = a;
  const handler = b!;
  const route: NextHandler = async (req, nextCtx) => {
    try {
      const runtime = getRuntime();
      // Next hands routes without dynamic segments no params at all.
      const params = contract.params ? contract.params.parse((await nextCtx?.params) ?? {}) : {};
      const query = contract.query ? contract.query.parse(queryObject(contract.query, new URL(req.url).searchParams)) : {};
      const body = contract.body ? contract.body.parse(await readJsonBody(req)) : {};
      const result = await handler({ params, query, body, req, runtime, actor: actorOf(req) } as EndpointContext<Endpoint>);
      if (result instanceof Response) return await withInstance(result, instanceOf(req.url));
      return contract.response === null ? new Response(null, { status: 204 }) : Response.json(result);
    } catch (err) {
      return errorResponse(err, instanceOf(req.url));
    }
  };
  route.endpoint = contract;
  return route;
}

/** The problem+json for `err`; `instance` is the request path (without it, the HTTP gate adds it on the way out). */
export function errorResponse(err: unknown, instance?: string): Response {
  const at = instance === undefined ? {} : { instance };
  if (err instanceof ZodError) {
    const fields = zodFields(err);
    return problem(400, fields.map((f) => `${f.path}: ${f.message}`).join('; '), { ...at, fields });
  }
  if (err instanceof InvalidInputError) return problem(400, err.message, { ...at, fields: err.fields });
  if (err instanceof ForbiddenError) return problem(403, err.message, at);
  if (err instanceof NotFoundError) return problem(404, err.message, at);
  if (err instanceof ConflictError) return problem(409, err.message, at);
  if (err instanceof PayloadTooLargeError) return problem(413, err.message, at);
  if (err instanceof UnsupportedMediaTypeError) return problem(415, err.message, at);
  if (err instanceof RuntimeUnavailableError) return problem(503, err.message, at);
  if (err instanceof BusyError) return problem(503, err.message, at);
  if (isConnectionLoss(err)) {
    console.error(`database unreachable (${connectionLossSummary(err)}): answering 503`);
    return problem(503, 'the database cannot be reached right now; try again shortly', at);
  }
  console.error('unhandled API error', err);
  return problem(500, 'An unexpected error occurred; the server log has the details.', at);
}

/** One entry per offending field; an unknown field is named by its own path, not its parent's. */
function zodFields(err: z.ZodError): Array<{ path: string; message: string }> {
  return err.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: at.join('.') || '(body)', message: issue.message }];
  });
}
