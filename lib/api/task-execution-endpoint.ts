// POST /execution/services: the service calls of tasks running on remote workers (Airflow 3's Task Execution
// API). A call carries its try's token, not a user's credentials; it is answered only while that try is the
// task instance's current one and still queued or running, with the same services a local runner gets over IPC.
import type { IncomingMessage } from 'node:http';
import { z, ZodError } from 'zod';
import { isPermanentError } from '../kernel/errors';
import { NonRetriableError } from '../engine/task-context';
import type { ServiceHandler, TryIdentity } from '../engine/executor-port';
import { OCCUPYING_STATES } from '../engine/task-states';
import { formatZodIssues } from '../kernel/zod-issues';
import { TryTokenError, type TryTokens } from '../ops/auth/try-token';
import type { SqlClient } from '../store/database';
import { currentTry } from '../store/try-state';
import type { JsonAnswer } from './http-gate';
import { problem } from './problem';
import { readBodyText } from './read-body';

const MAX_CALL_BYTES = 1024 * 1024;
const CallSchema = z.object({ method: z.string().min(1).max(200), payload: z.unknown().optional() });

export interface TaskExecutionDeps {
  tokens: TryTokens;
  services: ServiceHandler;
  sql: SqlClient;
  now: () => Date;
}

/** One call per task at least, so its success is answered as serialized JSON, without a Response (http-gate.ts). */
export async function handleTaskServiceCall(req: IncomingMessage, deps: TaskExecutionDeps): Promise<Response | JsonAnswer> {
  if (req.method !== 'POST') return problem(405, 'POST a service call: { "method": …, "payload": … }');
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) return problem(401, 'a task service call needs its try token (Authorization: Bearer fft_…)');
  let claims: TryIdentity;
  try {
    claims = deps.tokens.verify(bearer, deps.now());
  } catch (err) {
    if (err instanceof TryTokenError) return problem(401, `the try token was refused: ${err.message}`);
    throw err;
  }
  const text = await readBodyText(req, MAX_CALL_BYTES);
  if (text === null) return problem(413, `a service call is at most ${MAX_CALL_BYTES / 1024} KiB`);
  const call = CallSchema.safeParse(parseJson(text));
  if (!call.success) return problem(400, `invalid service call: ${formatZodIssues(call.error)}`, { permanent: true });
  const ti = await currentTry(deps.sql, claims.tiId);
  if (!ti || ti.try_number !== claims.tryNumber || !(OCCUPYING_STATES as readonly string[]).includes(ti.state)) {
    return problem(409, `try ${claims.tryNumber} of ${claims.dagId}.${claims.taskId} is no longer running`, { permanent: true });
  }
  try {
    const value = await deps.services(claims, call.data.method, call.data.payload);
    return { status: 200, json: JSON.stringify({ value: value ?? null }) };
  } catch (err) {
    if (err instanceof ZodError) return problem(400, `invalid ${call.data.method} payload: ${formatZodIssues(err)}`, { permanent: true });
    const message = err instanceof Error ? err.message : String(err);
    return isPermanentError(err) ? problem(400, message, { permanent: true }) : problem(500, message, { permanent: false });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // reported by the schema as a missing method
  }
}

/**
 * beforeChange for calls from remote workers: the start travels worker → Redis → scheduler → database, so a call
 * may arrive first; wait for it (a few seconds at most) instead of letting the call change anything before it.
 */
export function waitForRecordedStart(sql: SqlClient, options: { timeoutMs?: number; pollMs?: number } = {}): (job: TryIdentity) => Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 50;
  return async (job) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ti = await currentTry(sql, job.tiId);
      if (ti && ti.try_number === job.tryNumber && ti.state === 'running') return;
      if (!ti || ti.try_number !== job.tryNumber || ti.state !== 'queued') {
        // Ended (or superseded) while the call waited: it must change nothing, and retrying cannot help.
        throw new NonRetriableError(`try ${job.tryNumber} of ${job.dagId}.${job.taskId} is no longer running`);
      }
      if (Date.now() > deadline) throw new Error(`the start of try ${job.tryNumber} has not reached the database within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
}
