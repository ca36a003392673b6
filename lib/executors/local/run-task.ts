// One try of a task inside the runner: find its definition, validate params, build ctx, run the function or
// operator, check the return value, and report events. Everything the task does reaches the parent as events.
import { hostname } from 'node:os';
import { format } from 'node:util';
import { checkSteeringValue } from '../../engine/check-steering-value';
import type { Dag } from '../../engine/dag-builder';
import type { TaskCallback } from '../../engine/dag-model';
import type { TaskJob, TaskOutcome } from '../../engine/executor-port';
import type { OperatorContext } from '../../operators/operator-context';
import { loadOperator } from '../../operators/registry';
import { loadPluginOperator } from './plugin-operator';
import { formatZodIssues } from '../../kernel/zod-issues';
import { systemClock } from '../../kernel/clock';
import { withOutputSink } from './console-capture';
import { jobKey } from './protocol';
import type { RunnerRuntime } from './runner-runtime';
import { findDag } from './find-dag';
import { errorToOutcome, RunnerError, timeoutError } from './task-errors';
import { toXcom } from './xcom-json';
import { SecretMasker } from '../../secrets/secret-masker';
import { methodName } from '../../engine/service-contract';
import type { Connection } from '../../connections/connection-model';
import { buildTaskContext, pullDeferredUpstream, resultToStore } from './build-task-context';
import { TaskLogBudget, taskLogMaxBytesFromEnv } from '../../engine/task-log-cap';
import { maxMapLengthFromEnv } from '../../engine/max-map-length';

const CONNECTIONS_GET = methodName('connections', 'get');

const HOSTNAME = hostname();
/** Longer log lines are cut, so one runaway line cannot bloat the log table. */
const MAX_LOG_LINE_CHARS = 64 * 1024;
/** Read from this process's environment: a remote worker's runners follow the worker's settings. */
const TASK_LOG_MAX_BYTES = taskLogMaxBytesFromEnv(process.env);
const MAX_MAP_LENGTH = maxMapLengthFromEnv(process.env);

export function startTask(job: TaskJob, rt: RunnerRuntime): void {
  const key = jobKey(job);
  const { tiId, tryNumber } = job;
  const masker = new SecretMasker();
  const budget = new TaskLogBudget(TASK_LOG_MAX_BYTES);
  const emitLine = (stream: 'stdout' | 'stderr' | 'log', raw: string) => {
    if (budget.truncated) return;
    const line = masker.mask(raw);
    const cut =
      line.length > MAX_LOG_LINE_CHARS
        ? `${line.slice(0, MAX_LOG_LINE_CHARS)} … [${line.length - MAX_LOG_LINE_CHARS} more characters cut]`
        : line;
    // Past the cap the try's output is dropped here, before it crosses a process (and, from a worker, the network).
    const text = budget.take(cut);
    if (text === null) return;
    if (text !== cut) stream = 'log';
    if (rt.jobs.get(key)?.reported === false) {
      rt.send({ type: 'event', event: { type: 'log', tiId, tryNumber, stream, line: text, at: new Date() } });
    } else {
      // Code that ignored its abort keeps running; its output no longer belongs to a live try.
      process.stderr.write(`[${job.dagId}.${job.taskId} try ${tryNumber}, after it ended] ${text}\n`);
    }
  };

  rt.send({ type: 'event', event: { type: 'started', tiId, tryNumber, pid: process.pid, hostname: HOSTNAME, at: new Date() } });
  rt.supervise<TaskOutcome>({
    key,
    heartbeat: { tiId, tryNumber },
    timeoutMs: job.executionTimeoutMs,
    timeoutReason: () => timeoutError(job.executionTimeoutMs ?? 0),
    work: (signal) => withOutputSink(Object.assign(emitLine, { full: () => budget.truncated }), () => executeTask(job, key, rt, signal, emitLine, masker)),
    onError: errorToOutcome,
    report: (outcome, lingering) =>
      rt.send({ type: 'event', event: { type: 'finished', tiId, tryNumber, outcome: maskOutcome(outcome, masker), at: new Date() }, lingering }),
  });
}

async function executeTask(
  job: TaskJob,
  key: string,
  rt: RunnerRuntime,
  signal: AbortSignal,
  emitLine: (stream: 'stdout' | 'stderr' | 'log', line: string) => void,
  masker: SecretMasker,
): Promise<TaskOutcome> {
  const dag = await findDag(job.fileloc, job.dagId);
  const def = dag.tasks.get(job.taskId);
  if (!def) {
    throw new RunnerError(
      'TaskNotFoundError',
      `task '${job.taskId}' is not defined in DAG '${job.dagId}' (${job.fileloc}); it has: ${[...dag.tasks.keys()].join(', ') || 'no tasks'}`,
      false,
    );
  }
  const params = parseParams(dag, job.conf);
  const send = (method: string, input: unknown) => rt.request(key, job, method, input);
  const ready = await pullDeferredUpstream(job, send);
  const log = (level: string) => (message: string, ...rest: unknown[]) => {
    for (const line of format(message, ...rest).split('\n')) emitLine('log', `${level} - ${line}`);
  };
  const ctx = buildTaskContext(dag, def, ready, {
    params,
    log: { info: log('INFO'), warn: log('WARNING'), error: log('ERROR') },
    signal,
    send: async (method, input) => {
      const result = await send(method, input);
      // Secrets a try fetched are masked in everything it writes from then on.
      if (method === CONNECTIONS_GET) masker.addConnection(result as Connection | null);
      return result;
    },
  });

  const onExecute = def.options.onExecute ?? dag.config.defaultArgs?.onExecute;
  if (onExecute) await runOnExecute(onExecute, job, log('INFO'));

  let value: unknown;
  if (def.operator === 'function') {
    if (!def.fn) throw new RunnerError('TaskDefinitionError', `task '${def.taskId}' has no function`, false);
    value = await def.fn(ctx);
  } else {
    const run = (await loadOperator(def.operator)) ?? (await loadPluginOperator(def.operator, rt.config.pluginFolders));
    const opCtx: OperatorContext = {
      ...ctx,
      output: emitLine,
      processEnv: process.env,
      trackProcessGroup: (pgid) => rt.trackProcessGroup(key, pgid),
      termGraceMs: rt.config.termGraceMs,
      clock: systemClock,
      firstPokeAt: job.firstPokeAt === null ? null : new Date(job.firstPokeAt),
    };
    value = await run(def.args, opCtx);
  }
  const xcom = toXcom(resultToStore(def, value), rt.config.maxXcomBytes);
  if (!xcom.ok) throw new RunnerError('XComError', `task ${job.taskId} ${xcom.problem}`, false);
  const steering = checkSteeringValue(dag, job.taskId, xcom.value, MAX_MAP_LENGTH);
  if (steering) throw new RunnerError('SteeringValueError', steering, false);
  return { status: 'success', xcom: xcom.value };
}

/** A failure's message and stack are shown in the UI and alerts: they get the same masking as the log. */
function maskOutcome(outcome: TaskOutcome, masker: SecretMasker): TaskOutcome {
  if (outcome.status !== 'failed') return outcome;
  const { message, stack } = outcome.error;
  return { ...outcome, error: { ...outcome.error, message: masker.mask(message), ...(stack ? { stack: masker.mask(stack) } : {}) } };
}

/** Airflow's on_execute_callback runs in the task's own process, just before the task; a failure is logged only. */
async function runOnExecute(callback: TaskCallback, job: TaskJob, info: (m: string) => void): Promise<void> {
  try {
    await callback({
      dagId: job.dagId, runId: job.runId, taskId: job.taskId, mapIndex: job.mapIndex, tryNumber: job.tryNumber,
      state: 'running', error: null, log: info,
    });
  } catch (err) {
    info(`onExecute callback failed (the task runs anyway): ${(err as Error).message}`);
  }
}

function parseParams(dag: Dag, conf: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const schema = dag.config.params;
  if (!schema) return { ...(conf ?? {}) };
  const parsed = schema.safeParse(conf ?? {});
  if (!parsed.success) {
    throw new RunnerError('ParamsValidationError', `params of DAG '${dag.dagId}' are invalid: ${formatZodIssues(parsed.error)}`, false);
  }
  return parsed.data as Record<string, unknown>;
}
