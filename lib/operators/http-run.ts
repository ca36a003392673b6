// Runs an `http` task inside a task runner: one request through the HttpHook, the body as XCom. A refused status
// fails the try with the status and the start of the body; 4xx will not get better by retrying, 408/429/5xx and
// network errors may, so only those use the task's retries.
import { NonRetriableError } from '../engine/task-context';
import { HttpHook, HttpStatusError, type HttpResponse } from '../hooks/http-hook';
import { httpArgsSchema } from './http';
import type { OperatorContext } from './operator-context';
import { formatZodIssues } from '../kernel/zod-issues';

const BODY_EXCERPT_CHARS = 500;

export async function runHttp(rawArgs: Record<string, unknown>, ctx: OperatorContext): Promise<unknown> {
  const parsed = httpArgsSchema.safeParse(rawArgs);
  if (!parsed.success) throw new NonRetriableError(`http: invalid arguments: ${formatZodIssues(parsed.error)}`);
  const args = parsed.data;

  const hook = await HttpHook.fromConnection(ctx, args.connId);
  let response: HttpResponse;
  try {
    response = await hook.run({
      method: args.method,
      endpoint: args.endpoint,
      data: args.data,
      headers: args.headers,
      acceptStatus: args.responseCheck,
      timeoutMs: args.timeoutMs,
    });
  } catch (error) {
    if (error instanceof HttpStatusError && !error.retriable) throw new NonRetriableError(error.message, { cause: error });
    throw error;
  }
  return responseValue(response, args.method, args.responseFilter);
}

function responseValue(response: HttpResponse, method: string, filter: 'json' | 'text' | undefined): unknown {
  if (method === 'HEAD') return null;
  const type = response.headers.get('content-type') ?? '';
  const asJson = filter === 'json' || (filter === undefined && /[/+]json\b/i.test(type));
  if (!asJson) return response.body;
  if (response.body.trim() === '') return null;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    const excerpt = response.body.slice(0, BODY_EXCERPT_CHARS);
    throw new NonRetriableError(`http: the response of ${method} ${response.url} is not JSON: ${excerpt}`);
  }
}
