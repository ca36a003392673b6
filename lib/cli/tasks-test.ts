// `flashflow tasks test <dag_id> <task_id>`: runs one task once, in a runner process like production,
// with no upstream results and without recording any state (like `airflow tasks test`).
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../kernel/errors';
import type { ExecutorEvent, TaskJob } from '../engine/executor-port';
import { LocalExecutor } from '../executors/local/local-executor';
import type { FlashflowConfig } from '../runtime/config';
import { parseDagsForCommand } from './command-dag-parse';

export async function tasksTest(
  config: FlashflowConfig,
  args: { dagId: string; taskId: string; conf: Record<string, unknown>; mapIndex: number },
  out: (line: string) => void,
): Promise<{ state: string; xcom: unknown; error: string | null }> {
  const parsed = await parseDagsForCommand(config);
  const dag = parsed.dags.find((d) => d.dag_id === args.dagId);
  if (!dag) {
    const broken = parsed.errors.map((e) => e.filename).join(', ');
    throw new NotFoundError(`DAG '${args.dagId}' not found in ${config.dagsFolder}${broken ? ` (files with import errors: ${broken})` : ''}`);
  }
  const task = dag.tasks.find((t) => t.task_id === args.taskId);
  if (!task) throw new NotFoundError(`task '${args.taskId}' not found in DAG '${args.dagId}'; tasks: ${dag.tasks.map((t) => t.task_id).join(', ')}`);
  const executor = new LocalExecutor({ processes: 1, concurrency: 1, pluginFolders: config.pluginFolders, serviceHandler: async () => null });
  const now = new Date().toISOString();
  const job: TaskJob = {
    type: 'task', tiId: randomUUID(), dagId: args.dagId, runId: `tasks_test__${now}`, taskId: args.taskId,
    mapIndex: args.mapIndex, tryNumber: 1, maxTries: 0, fileloc: dag.fileloc, logicalDate: now,
    dataIntervalStart: now, dataIntervalEnd: now, conf: args.conf, item: null, upstream: {},
    executionTimeoutMs: task.execution_timeout_ms, firstPokeAt: null,
  };
  const finished = new Promise<Extract<ExecutorEvent, { type: 'finished' }>>((resolve) => {
    executor.onEvent((e) => {
      if (e.type === 'log') out(e.line);
      if (e.type === 'finished') resolve(e);
    });
  });
  await executor.start();
  try {
    executor.submit(job);
    const { outcome } = await finished;
    if (outcome.status === 'success') return { state: 'success', xcom: outcome.xcom, error: null };
    if (outcome.status === 'skipped') return { state: 'skipped', xcom: null, error: outcome.reason };
    // A sensor in reschedule mode pokes once here: nothing is recorded for a next poke to follow.
    if (outcome.status === 'reschedule') return { state: 'up_for_reschedule', xcom: null, error: `next poke due at ${outcome.rescheduleAt.toISOString()}` };
    return { state: 'failed', xcom: null, error: `${outcome.error.name}: ${outcome.error.message}` };
  } finally {
    await executor.stop();
  }
}
