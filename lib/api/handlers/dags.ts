// DAG endpoints: list, get, pause/unpause, details, tasks. Rows from lib/store/api-dags.ts in Airflow's shapes.
import type { z } from 'zod';
import type { SerializedDag, SerializedTask } from '../../engine/dag-model';
import { InvalidInputError, NotFoundError } from '../../kernel/errors';
import { findDag, listDags, type DagRow } from '../../store/api-dags';
import { setPaused } from '../../store/dag-admin';
import { recordEvent } from '../../store/event-log';
import type { EndpointInput } from '../contract';
import type { Dag, DagCollection, DagDetail, Task, TaskCollection, getDags, patchDag } from '../contracts/dags';
import { iso, timeDelta, type ApiRuntime } from './shared';
import { taskQueue } from '../../engine/task-queue';

export function serializeDag(row: DagRow): z.input<typeof Dag> {
  return {
    dag_id: row.dag_id,
    dag_display_name: row.dag_id,
    root_dag_id: null,
    is_paused: row.is_paused,
    is_active: row.is_active,
    is_subdag: false,
    last_parsed_time: iso(row.last_parsed_time),
    last_pickled: null,
    last_expired: null,
    scheduler_lock: null,
    pickle_id: null,
    default_view: 'grid',
    fileloc: row.fileloc,
    // Airflow's is an encrypted path for GET /dagSources; Flashflow has no such endpoint, so an opaque id is enough.
    file_token: Buffer.from(row.fileloc).toString('base64url'),
    owners: row.owners,
    description: row.description,
    schedule_interval: row.schedule ? { __type: 'CronExpression', value: row.schedule } : null,
    timetable_description: row.schedule ?? (row.schedule_assets.length > 0 ? 'Triggered by assets' : 'Never, external triggers only'),
    tags: row.tags.map((name) => ({ name })),
    max_active_tasks: row.max_active_tasks,
    max_active_runs: row.max_active_runs,
    has_task_concurrency_limits: false,
    has_import_errors: row.has_import_errors,
    next_dagrun: iso(row.next_dagrun),
    next_dagrun_data_interval_start: iso(row.next_dagrun_data_interval_start),
    next_dagrun_data_interval_end: iso(row.next_dagrun_data_interval_end),
    next_dagrun_create_after: iso(row.next_dagrun_create_after),
    max_consecutive_failed_dag_runs: 0,
  };
}

export async function listDagsPage(rt: ApiRuntime, q: EndpointInput<typeof getDags>['query']): Promise<z.input<typeof DagCollection>> {
  const page = await listDags(
    rt.db.sql,
    { dagIdPattern: q.dag_id_pattern, onlyActive: q.only_active, paused: q.paused, tags: q.tags },
    q,
    q.order_by,
  );
  return { dags: page.rows.map(serializeDag), total_entries: page.total };
}

async function loadDag(rt: ApiRuntime, dagId: string) {
  const row = await findDag(rt.db.sql, dagId);
  if (!row) throw new NotFoundError(`DAG '${dagId}' not found`);
  return row;
}

export async function getDagSummary(rt: ApiRuntime, dagId: string): Promise<z.input<typeof Dag>> {
  return serializeDag(await loadDag(rt, dagId));
}

export async function patchDagPaused(
  rt: ApiRuntime,
  dagId: string,
  input: Pick<EndpointInput<typeof patchDag>, 'query' | 'body'>,
  actor: string,
): Promise<z.input<typeof Dag>> {
  const other = (input.query.update_mask ?? []).filter((f) => f !== 'is_paused');
  if (other.length > 0) {
    throw new InvalidInputError('Only `is_paused` field can be updated through the REST API', [
      { path: 'update_mask', message: `not updatable: ${other.join(', ')}` },
    ]);
  }
  const paused = input.body.is_paused;
  await setPaused(rt.db.sql, dagId, paused);
  await recordEvent(rt.db.sql, { event: 'api.patch_dag', owner: actor, dagId, extra: JSON.stringify(input.body) }, rt.clock.now());
  // The scheduler keeps each DAG's pause flag in memory between polls; reload so an unpause starts runs now.
  await rt.scheduler.reloadDags();
  rt.scheduler.wake();
  return getDagSummary(rt, dagId);
}

export async function getDagDetail(rt: ApiRuntime, dagId: string): Promise<z.input<typeof DagDetail>> {
  const row = await loadDag(rt, dagId);
  const dag = row.serialized;
  return {
    ...serializeDag(row),
    timezone: dag.timezone,
    catchup: dag.catchup,
    orientation: 'LR',
    concurrency: dag.max_active_tasks,
    start_date: dag.start_date,
    dag_run_timeout: null,
    dataset_expression: dag.schedule_assets.length > 0 ? { all: dag.schedule_assets } : null,
    doc_md: dag.doc,
    params: airflowParams(dag),
    end_date: dag.end_date,
    is_paused_upon_creation: dag.is_paused_upon_creation,
    last_parsed: iso(row.last_parsed_time),
    template_search_path: null,
    render_template_as_native_obj: false,
  };
}

/** Params as Airflow serializes them: `{ name: { __class, value, description, schema } }`. */
function airflowParams(dag: SerializedDag): Record<string, unknown> {
  const props = (dag.params_schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(
    Object.entries(props).map(([name, schema]) => [
      name,
      { __class: 'airflow.models.param.Param', value: schema.default ?? null, description: schema.description ?? null, schema },
    ]),
  );
}

function serializeTask(dag: SerializedDag, t: SerializedTask): z.input<typeof Task> {
  return {
    class_ref: { module_path: 'flashflow.operators', class_name: t.operator },
    task_id: t.task_id,
    task_display_name: t.task_id,
    owner: t.owner,
    start_date: dag.start_date,
    end_date: dag.end_date,
    trigger_rule: t.trigger_rule,
    extra_links: [],
    depends_on_past: false,
    is_mapped: t.map_over !== null,
    wait_for_downstream: false,
    retries: t.retries,
    queue: taskQueue(t),
    pool: t.pool,
    pool_slots: t.pool_slots,
    execution_timeout: t.execution_timeout_ms === null ? null : timeDelta(t.execution_timeout_ms),
    retry_delay: timeDelta(t.retry_delay_ms),
    retry_exponential_backoff: t.retry_exponential_backoff,
    priority_weight: t.priority_weight,
    weight_rule: 'absolute',
    ui_color: '#fff',
    ui_fgcolor: '#000',
    template_fields: [],
    sub_dag: null,
    downstream_task_ids: [...t.downstream].sort(),
  };
}

const TASK_ORDER_FIELDS = ['task_id', 'owner', 'retries', 'pool', 'pool_slots', 'priority_weight', 'trigger_rule'] as const;

export async function getDagTasks(rt: ApiRuntime, dagId: string, orderBy: string | undefined): Promise<z.input<typeof TaskCollection>> {
  const dag = (await loadDag(rt, dagId)).serialized;
  const spec = orderBy?.trim() || 'task_id';
  const desc = spec.startsWith('-');
  const field = (desc ? spec.slice(1) : spec) as (typeof TASK_ORDER_FIELDS)[number];
  if (!TASK_ORDER_FIELDS.includes(field)) {
    throw new InvalidInputError(`Ordering with '${field}' is disallowed or the attribute does not exist on the model`, [
      { path: 'order_by', message: `use one of ${TASK_ORDER_FIELDS.join(', ')} (prefix with - for descending)` },
    ]);
  }
  const tasks = dag.tasks.map((t) => serializeTask(dag, t));
  tasks.sort((a, b) => {
    const x = a[field];
    const y = b[field];
    const c = x < y ? -1 : x > y ? 1 : a.task_id.localeCompare(b.task_id);
    return desc ? -c : c;
  });
  return { tasks };
}

export async function getDagTask(rt: ApiRuntime, dagId: string, taskId: string): Promise<z.input<typeof Task>> {
  const dag = (await loadDag(rt, dagId)).serialized;
  const task = dag.tasks.find((t) => t.task_id === taskId);
  if (!task) throw new NotFoundError(`Task '${taskId}' not found in DAG '${dagId}'`);
  return serializeTask(dag, task);
}
