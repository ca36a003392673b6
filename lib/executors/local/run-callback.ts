// A task- or DAG-level callback (onSuccess, onFailure, …) run in the runner with a timeout. A callback
// cannot change task state; its result is only ok or an error message for the scheduler to log.
import { format } from 'node:util';
import type { CallbackJob } from '../../engine/executor-port';
import type { CallbackContext } from '../../engine/dag-model';
import { withOutputSink } from './console-capture';
import { jobKey } from './protocol';
import { findDag } from './find-dag';
import type { RunnerRuntime } from './runner-runtime';
import { timeoutError } from './task-errors';

type CallbackResult = { ok: true } | { ok: false; error: string };

export function startCallback(job: CallbackJob, rt: RunnerRuntime): void {
  const logLine = (line: string) => rt.send({ type: 'callback_log', id: job.id, line });
  rt.supervise<CallbackResult>({
    key: jobKey(job),
    heartbeat: null,
    timeoutMs: job.timeoutMs,
    timeoutReason: () => timeoutError(job.timeoutMs, `Callback ${job.kind}`),
    work: () => withOutputSink((_stream, line) => logLine(line), () => executeCallback(job, logLine)),
    onError: (err) => ({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
    report: (result, lingering) =>
      rt.send({
        type: 'event',
        event: { type: 'callback_finished', id: job.id, ok: result.ok, error: result.ok ? null : result.error, at: new Date() },
        lingering,
      }),
  });
}

async function executeCallback(job: CallbackJob, logLine: (line: string) => void): Promise<CallbackResult> {
  const dag = await findDag(job.fileloc, job.dagId);
  let callback: unknown;
  let owner: string;
  if (job.taskId === null) {
    owner = `DAG '${job.dagId}'`;
    callback = (dag.config as unknown as Record<string, unknown>)[job.kind];
  } else {
    owner = `task '${job.taskId}' of DAG '${job.dagId}'`;
    const def = dag.tasks.get(job.taskId);
    if (!def) return { ok: false, error: `task '${job.taskId}' is not defined in DAG '${job.dagId}'` };
    // Task-level callbacks may also come from the DAG's defaultArgs.
    callback = def.options[job.kind] ?? dag.config.defaultArgs?.[job.kind];
  }
  if (typeof callback !== 'function') return { ok: false, error: `${owner} has no ${job.kind} callback` };
  const ctx: CallbackContext = {
    dagId: job.dagId,
    runId: job.runId,
    taskId: job.taskId,
    mapIndex: job.mapIndex,
    tryNumber: job.tryNumber,
    state: job.state,
    error: job.error,
    log: (message: string, ...rest: unknown[]) => {
      for (const line of format(message, ...rest).split('\n')) logLine(line);
    },
  };
  await (callback as (c: CallbackContext) => unknown)(ctx);
  return { ok: true };
}
