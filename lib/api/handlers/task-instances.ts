// Task-instance endpoints: list (`~` for every DAG / run), get, mapped instances, and a try's log.
import { userInfo } from 'node:os';
import type { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../../kernel/errors';
import { findDag } from '../../store/api-dags';
import { findTaskInstance, listTaskInstances, readLogLines, type TaskInstanceRow } from '../../store/api-task-instances';
import type { EndpointInput } from '../contract';
import type { getMappedTaskInstances, getTaskInstances, TaskInstance, TaskInstanceCollection, TaskInstanceLog } from '../contracts/task-instances';
import { iso, requireDag, requireRun, type ApiRuntime } from './shared';

/** Tries run as the server's user (local executor); Airflow reports that user as unixname. */
const UNIXNAME = (() => {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
})();

export function serializeTaskInstance(ti: TaskInstanceRow): z.input<typeof TaskInstance> {
  return {
    task_id: ti.task_id,
    task_display_name: ti.task_id,
    dag_id: ti.dag_id,
    dag_run_id: ti.run_id,
    execution_date: iso(ti.logical_date),
    start_date: iso(ti.start_date),
    end_date: iso(ti.end_date),
    duration: ti.duration,
    // Airflow ≥ 2.7 answers null for a task instance that has no state yet.
    state: ti.state === 'none' ? null : (ti.state as z.input<typeof TaskInstance>['state']),
    try_number: ti.try_number,
    map_index: ti.map_index,
    max_tries: ti.max_tries,
    hostname: ti.hostname ?? '',
    unixname: UNIXNAME,
    pool: ti.pool,
    pool_slots: ti.pool_slots,
    queue: ti.queue,
    priority_weight: ti.priority_weight,
    operator: ti.operator,
    queued_when: iso(ti.queued_at),
    pid: ti.pid,
    executor_config: '{}',
    sla_miss: null,
    rendered_map_index: null,
    rendered_fields: {},
    trigger: null,
    triggerer_job: null,
    note: ti.note,
  };
}

type TiQuery = EndpointInput<typeof getTaskInstances>['query'];

function filterOf(q: TiQuery) {
  return {
    states: q.state,
    pools: q.pool,
    queues: q.queue,
    logicalDate: { gte: q.execution_date_gte, lte: q.execution_date_lte },
    startDate: { gte: q.start_date_gte, lte: q.start_date_lte },
    endDate: { gte: q.end_date_gte, lte: q.end_date_lte },
    duration: { gte: q.duration_gte, lte: q.duration_lte },
  };
}

export async function listTaskInstancesPage(
  rt: ApiRuntime,
  dagId: string,
  runId: string,
  q: TiQuery,
): Promise<z.input<typeof TaskInstanceCollection>> {
  if (dagId === '~' && runId !== '~') {
    throw new InvalidInputError('dag_run_id must be ~ when dag_id is ~', [{ path: 'dag_run_id', message: 'use ~ with dag_id ~' }]);
  }
  if (dagId !== '~') {
    if (runId === '~') await requireDag(rt, dagId);
    else await requireRun(rt, dagId, runId);
  }
  const page = await listTaskInstances(
    rt.db.sql,
    { dagId: dagId === '~' ? null : dagId, runId: runId === '~' ? null : runId, ...filterOf(q) },
    q,
  );
  return { task_instances: page.rows.map(serializeTaskInstance), total_entries: page.total };
}

async function requireMappedTask(rt: ApiRuntime, dagId: string, runId: string, taskId: string): Promise<void> {
  await requireRun(rt, dagId, runId);
  const task = (await findDag(rt.db.sql, dagId))!.serialized.tasks.find((t) => t.task_id === taskId);
  if (!task) throw new NotFoundError(`Task '${taskId}' not found in DAG '${dagId}'`);
  if (task.map_over === null) throw new NotFoundError(`Task '${taskId}' of DAG '${dagId}' is not mapped`);
}

export async function listMappedPage(
  rt: ApiRuntime,
  key: { dagId: string; runId: string; taskId: string },
  q: EndpointInput<typeof getMappedTaskInstances>['query'],
): Promise<z.input<typeof TaskInstanceCollection>> {
  await requireMappedTask(rt, key.dagId, key.runId, key.taskId);
  const page = await listTaskInstances(
    rt.db.sql,
    { dagId: key.dagId, runId: key.runId, mappedTaskId: key.taskId, ...filterOf(q) },
    q,
    q.order_by,
  );
  return { task_instances: page.rows.map(serializeTaskInstance), total_entries: page.total };
}

/** The task instance, or a 404 that says whether the run, the task or only this instance is missing. */
export async function loadTaskInstance(rt: ApiRuntime, key: { dagId: string; runId: string; taskId: string; mapIndex: number }) {
  const ti = await findTaskInstance(rt.db.sql, key);
  if (ti) return ti;
  await requireRun(rt, key.dagId, key.runId);
  const task = (await findDag(rt.db.sql, key.dagId))!.serialized.tasks.find((t) => t.task_id === key.taskId);
  if (!task) throw new NotFoundError(`Task '${key.taskId}' not found in DAG '${key.dagId}'`);
  if (key.mapIndex === -1 && task.map_over !== null) {
    throw new NotFoundError(`Task instance '${key.taskId}' is mapped; add the map_index to the URL`);
  }
  throw new NotFoundError(`Task instance '${key.taskId}' (map_index ${key.mapIndex}) not found in DAG run '${key.runId}'`);
}

export async function getTaskInstanceOne(
  rt: ApiRuntime,
  key: { dagId: string; runId: string; taskId: string; mapIndex: number },
): Promise<z.input<typeof TaskInstance>> {
  return serializeTaskInstance(await loadTaskInstance(rt, key));
}

/**
 * A page of log: lines and bytes (of the stored lines) both bounded, so neither many short lines nor a few long
 * ones make one huge string. `full_content` reads more per call but is bounded too (ADR 0032); a log longer than
 * that (written before the cap, or under a higher one) goes on through the continuation token.
 */
const LOG_PAGE = { lines: 5_000, bytes: 512 * 1024 };
const LOG_FULL_CONTENT = { lines: 200_000, bytes: 16 * 1024 * 1024 };

interface LogPosition {
  log_pos: number;
  end_of_log: boolean;
  /** Lines are already stored past this page: the UI reads on when asked rather than waiting. */
  more?: boolean;
}

function decodeToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const pos = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as LogPosition).log_pos;
    if (Number.isInteger(pos) && pos >= 0) return pos;
  } catch {
    // fall through
  }
  throw new InvalidInputError('token is not a continuation_token of this API', [{ path: 'token', message: 'invalid continuation token' }]);
}

/** One page (bounded, bigger with full_content) of a try's log, rendered one line per row as `[time] {stream} line`. */
export async function readTryLog(
  rt: ApiRuntime,
  key: { dagId: string; runId: string; taskId: string; mapIndex: number; tryNumber: number },
  opts: { fullContent: boolean; token?: string },
  bounds = { page: LOG_PAGE, full: LOG_FULL_CONTENT },
): Promise<z.input<typeof TaskInstanceLog>> {
  const ti = await loadTaskInstance(rt, key);
  if (key.tryNumber > ti.try_number) {
    throw new NotFoundError(`Task instance '${key.taskId}' has no try ${key.tryNumber} (it has had ${ti.try_number})`);
  }
  const after = decodeToken(opts.token);
  const bound = opts.fullContent ? bounds.full : bounds.page;
  // One line beyond the bounds (or the next one after a page the bytes cut) tells whether more is stored already.
  const lines = await readLogLines(rt.db.sql, ti.id, key.tryNumber, after, bound.lines + 1, bound.bytes);
  const page = lines.slice(0, bound.lines);
  const more = lines.length > page.length ||
    (page.length > 0 && (await readLogLines(rt.db.sql, ti.id, key.tryNumber, page.at(-1)!.id, 1, 0)).length > 0);
  // A sensor waiting up_for_reschedule is still in its try: the next poke writes to the same log.
  const tryOver = key.tryNumber < ti.try_number || !['queued', 'running', 'scheduled', 'up_for_retry', 'up_for_reschedule'].includes(ti.state);
  const position: LogPosition = { log_pos: page.at(-1)?.id ?? after, end_of_log: tryOver && !more, ...(more ? { more } : {}) };
  return {
    content: page.map((l) => `[${l.at.toISOString()}] {${l.stream}} ${l.line}\n`).join(''),
    continuation_token: Buffer.from(JSON.stringify(position)).toString('base64url'),
  };
}
