// Clear and mark task instances through lib/store/task-actions.ts, across the runs Airflow's request selects.
// A dry run does the real thing inside a transaction and rolls it back, so it lists exactly what a real run would
// change.
import type { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../kernel/errors';
import type { SqlClient } from '../../store/database';
import { runLogicalDates, selectRunIds } from '../../store/api-dag-runs';
import { findDag } from '../../store/api-dags';
import { recordEvent } from '../../store/event-log';
import { clearTaskInstances, markTaskInstances, type ChangedTi } from '../../store/task-actions';
import type { EndpointInput } from '../contract';
import type { postClearTaskInstances, postSetTaskInstancesState, TaskInstanceReferenceCollection } from '../contracts/task-instances';
import { iso, requireRun, wakeScheduler, type ApiRuntime } from './shared';

class DryRunRollback extends Error {
  constructor(readonly changed: ChangedTi[]) {
    super('dry run');
  }
}

/** Runs `action` in one transaction; a dry run rolls it back and still returns what it changed. */
async function applyOnce(sql: SqlClient, dryRun: boolean, action: (tx: SqlClient) => Promise<ChangedTi[]>): Promise<ChangedTi[]> {
  try {
    return await sql.transaction(async (tx) => {
      const changed = await action(tx);
      if (dryRun) throw new DryRunRollback(changed);
      return changed;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.changed;
    throw err;
  }
}

async function references(rt: ApiRuntime, dagId: string, changed: ChangedTi[]): Promise<z.input<typeof TaskInstanceReferenceCollection>> {
  const dates = await runLogicalDates(rt.db.sql, dagId, changed.map((c) => c.run_id));
  return {
    task_instances: changed.map((c) => ({
      task_id: c.task_id,
      dag_id: c.dag_id,
      execution_date: iso(dates.get(c.run_id) ?? new Date(0)),
      dag_run_id: c.run_id,
    })),
  };
}

async function loadDagTasks(rt: ApiRuntime, dagId: string): Promise<string[]> {
  const dag = await findDag(rt.db.sql, dagId);
  if (!dag) throw new NotFoundError(`DAG '${dagId}' not found`);
  return dag.serialized.tasks.map((t) => t.task_id);
}

export async function clearFromApi(
  rt: ApiRuntime,
  dagId: string,
  body: EndpointInput<typeof postClearTaskInstances>['body'],
  actor: string,
): Promise<z.input<typeof TaskInstanceReferenceCollection>> {
  if (body.only_running) {
    throw new InvalidInputError('only_running is not supported: Flashflow does not clear queued or running tries', [
      { path: 'only_running', message: 'must be false' },
    ]);
  }
  const allTasks = await loadDagTasks(rt, dagId);
  if (body.dag_run_id) await requireRun(rt, dagId, body.dag_run_id);
  const sql = rt.db.sql;
  const now = rt.clock.now();
  const everyRun = !body.dag_run_id && !body.start_date && !body.end_date;
  const runIds: Array<string | null> = everyRun
    ? [null]
    : await selectRunIds(sql, {
        dagId,
        runId: body.dag_run_id,
        range: { gte: body.start_date, lte: body.end_date },
        includePast: body.include_past,
        includeFuture: body.include_future,
      });
  const changed = await applyOnce(sql, body.dry_run, async (tx) => {
    const all: ChangedTi[] = [];
    for (const runId of runIds) {
      all.push(
        ...(await clearTaskInstances(
          tx,
          {
            dagId,
            runId,
            taskIds: body.task_ids ?? allTasks,
            includeUpstream: body.include_upstream,
            includeDownstream: body.include_downstream,
            onlyFailed: body.only_failed,
          },
          now,
        )),
      );
    }
    return all;
  });
  if (!body.dry_run) {
    await recordEvent(sql, { event: 'api.post_clear_task_instances', owner: actor, dagId, runId: body.dag_run_id ?? null, extra: JSON.stringify(body) }, now);
    await wakeScheduler(rt);
  }
  return references(rt, dagId, changed);
}

export async function markFromApi(
  rt: ApiRuntime,
  dagId: string,
  body: EndpointInput<typeof postSetTaskInstancesState>['body'],
  actor: string,
): Promise<z.input<typeof TaskInstanceReferenceCollection>> {
  if (!body.dag_run_id === !body.execution_date) {
    throw new InvalidInputError('set either dag_run_id or execution_date (not both)', [
      { path: 'dag_run_id', message: 'exactly one of dag_run_id and execution_date is required' },
    ]);
  }
  await loadDagTasks(rt, dagId);
  if (body.dag_run_id) await requireRun(rt, dagId, body.dag_run_id);
  const sql = rt.db.sql;
  const now = rt.clock.now();
  const runIds = await selectRunIds(sql, {
    dagId,
    runId: body.dag_run_id,
    logicalDate: body.execution_date,
    includePast: body.include_past,
    includeFuture: body.include_future,
  });
  if (runIds.length === 0) throw new NotFoundError(`DAG '${dagId}' has no run with logical date ${body.execution_date?.toISOString()}`);
  const changed = await applyOnce(sql, body.dry_run, async (tx) => {
    const all: ChangedTi[] = [];
    for (const runId of runIds) {
      all.push(
        ...(await markTaskInstances(
          tx,
          { dagId, runId, taskIds: [body.task_id], includeUpstream: body.include_upstream, includeDownstream: body.include_downstream },
          body.new_state,
          now,
        )),
      );
    }
    return all;
  });
  if (!body.dry_run) {
    await recordEvent(
      sql,
      { event: 'api.post_set_task_instances_state', owner: actor, dagId, runId: body.dag_run_id ?? null, taskId: body.task_id, extra: JSON.stringify(body) },
      now,
    );
    await wakeScheduler(rt);
  }
  return references(rt, dagId, changed);
}
