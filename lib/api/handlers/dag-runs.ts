// DAG-run endpoints: list, trigger, get, set state, delete.
import type { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../../kernel/errors';
import { FAILED_STATES, FINISHED_STATES, OCCUPYING_STATES } from '../../engine/task-states';
import { deleteDagRun, listDagRuns, type DagRunRow } from '../../store/api-dag-runs';
import { findDag } from '../../store/api-dags';
import { recordEvent } from '../../store/event-log';
import { runTaskInstances } from '../../store/run-progress';
import { clearTaskInstances, markTaskInstances } from '../../store/task-actions';
import { connectionSource } from '../../store/connections';
import { llmAllowedModels, triggerDagRun } from '../../store/trigger-dag-run';
import type { AppRuntime } from '../../runtime/app-runtime';
import type { EndpointInput } from '../contract';
import { RUN_TYPES, type DagRun, type DagRunCollection, type getDagRuns, type postDagRun } from '../contracts/dag-runs';
import { iso, requireDag, requireRun, wakeScheduler, type ApiRuntime } from './shared';

export function serializeDagRun(r: DagRunRow): z.input<typeof DagRun> {
  const runType = r.run_type === 'asset_triggered' ? 'dataset_triggered' : r.run_type;
  return {
    dag_run_id: r.run_id,
    dag_id: r.dag_id,
    logical_date: iso(r.logical_date),
    execution_date: iso(r.logical_date),
    start_date: iso(r.start_date),
    end_date: iso(r.end_date),
    data_interval_start: iso(r.data_interval_start),
    data_interval_end: iso(r.data_interval_end),
    last_scheduling_decision: iso(r.last_scheduling_decision),
    run_type: (RUN_TYPES as readonly string[]).includes(runType) ? (runType as (typeof RUN_TYPES)[number]) : 'manual',
    state: r.state as z.input<typeof DagRun>['state'],
    external_trigger: r.external_trigger,
    conf: r.conf,
    note: r.note,
  };
}

export async function listDagRunsPage(
  rt: ApiRuntime,
  dagId: string,
  q: EndpointInput<typeof getDagRuns>['query'],
): Promise<z.input<typeof DagRunCollection>> {
  const allDags = dagId === '~';
  if (!allDags) await requireDag(rt, dagId);
  const page = await listDagRuns(
    rt.db.sql,
    {
      dagId: allDags ? null : dagId,
      states: q.state,
      logicalDate: { gte: q.execution_date_gte, lte: q.execution_date_lte },
      startDate: { gte: q.start_date_gte, lte: q.start_date_lte },
      endDate: { gte: q.end_date_gte, lte: q.end_date_lte },
    },
    q,
    q.order_by,
  );
  return { dag_runs: page.rows.map(serializeDagRun), total_entries: page.total };
}

export async function getDagRunOne(rt: ApiRuntime, dagId: string, runId: string): Promise<z.input<typeof DagRun>> {
  return serializeDagRun(await requireRun(rt, dagId, runId));
}

export async function triggerRun(
  rt: ApiRuntime & Pick<AppRuntime, 'secrets' | 'config'>,
  dagId: string,
  body: EndpointInput<typeof postDagRun>['body'],
  actor: string,
): Promise<z.input<typeof DagRun>> {
  const { logical_date: logical, execution_date: execution } = body;
  if (logical && execution && logical.getTime() !== execution.getTime()) {
    throw new InvalidInputError('logical_date and execution_date differ; send logical_date only', [
      { path: 'execution_date', message: 'must equal logical_date (it is its deprecated name)' },
    ]);
  }
  const now = rt.clock.now();
  const connections = connectionSource({ db: rt.db.prisma, secrets: rt.secrets, env: rt.config.connectionEnv });
  const run = await triggerDagRun(
    rt.db.sql,
    { dagId, conf: body.conf, runId: body.dag_run_id ?? undefined, logicalDate: logical ?? execution ?? undefined, note: body.note },
    now,
    { allowedModels: llmAllowedModels(connections, rt.config.llmEnv) },
  );
  await wakeScheduler(rt);
  await recordEvent(rt.db.sql, { event: 'api.post_dag_run', owner: actor, dagId, runId: run.runId, extra: JSON.stringify(body) }, now);
  return getDagRunOne(rt, dagId, run.runId);
}

/**
 * Airflow's "set DAG run state", in Flashflow's model where a run's state follows its leaves (ADR 0006): success
 * marks every task instance success; failed marks the unfinished and the leaf task instances failed; queued clears
 * every task instance so the run runs again. Queued or running tries are left to finish (they hold an executor
 * slot; killing them is the executor's job).
 */
export async function setDagRunState(
  rt: ApiRuntime,
  dagId: string,
  runId: string,
  state: 'success' | 'failed' | 'queued',
  actor: string,
): Promise<z.input<typeof DagRun>> {
  await requireRun(rt, dagId, runId);
  const dag = (await findDag(rt.db.sql, dagId))!.serialized;
  const sql = rt.db.sql;
  const now = rt.clock.now();
  const allTasks = dag.tasks.map((t) => t.task_id);
  if (state === 'success') {
    await markTaskInstances(sql, { dagId, runId, taskIds: allTasks }, 'success', now);
  } else if (state === 'queued') {
    await clearTaskInstances(sql, { dagId, runId, taskIds: allTasks, onlyFailed: false }, now);
  } else {
    const leaves = new Set(dag.tasks.filter((t) => t.downstream.length === 0).map((t) => t.task_id));
    const tis = await runTaskInstances(sql, { dagId, runId });
    const skip: readonly string[] = [...OCCUPYING_STATES, ...FAILED_STATES];
    const finished: readonly string[] = FINISHED_STATES;
    const targets = tis.filter((ti) => !skip.includes(ti.state) && (!finished.includes(ti.state) || leaves.has(ti.task_id)));
    // One call per task, so a mapped task's selection names exactly its own map indexes.
    const byTask = new Map<string, number[]>();
    for (const ti of targets) byTask.set(ti.task_id, [...(byTask.get(ti.task_id) ?? []), ti.map_index]);
    for (const [taskId, mapIndexes] of byTask) {
      await markTaskInstances(sql, { dagId, runId, taskIds: [taskId], mapIndexes }, 'failed', now);
    }
  }
  await recordEvent(sql, { event: 'api.update_dag_run_state', owner: actor, dagId, runId, extra: JSON.stringify({ state }) }, now);
  await wakeScheduler(rt, true);
  return getDagRunOne(rt, dagId, runId);
}

export async function deleteRun(rt: ApiRuntime, dagId: string, runId: string, actor: string): Promise<void> {
  const outcome = await deleteDagRun(rt.db.sql, dagId, runId);
  if (outcome === 'not_found') {
    await requireDag(rt, dagId);
    throw new NotFoundError(`DAG run '${runId}' not found for DAG '${dagId}'`);
  }
  if (outcome === 'busy') {
    throw new ConflictError(`DAG run '${runId}' of DAG '${dagId}' has task instances that are queued or running; wait until they finish`);
  }
  await recordEvent(rt.db.sql, { event: 'api.delete_dag_run', owner: actor, dagId, runId }, rt.clock.now());
}
