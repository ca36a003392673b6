// DAGs and their tasks, in Airflow's shapes (schemas DAG, DAGDetail, Task).
import { z } from 'zod';
import { TRIGGER_RULES } from '../../engine/dag-model';
import { endpoint } from '../contract';
import { collection, NullableDateTime, OrderBy, Paging, QueryBool, repeated } from './common';

export const CronExpression = z
  .object({ __type: z.literal('CronExpression'), value: z.string() })
  .meta({ id: 'CronExpression' });

export const TimeDelta = z
  .object({ __type: z.literal('TimeDelta'), days: z.number().int(), seconds: z.number().int(), microseconds: z.number().int() })
  .meta({ id: 'TimeDelta' });

export const Tag = z.object({ name: z.string() }).meta({ id: 'Tag' });

export const ClassReference = z.object({ module_path: z.string(), class_name: z.string() }).meta({ id: 'ClassReference' });

export const TriggerRule = z.enum(TRIGGER_RULES).meta({ id: 'TriggerRule' });

export const WeightRule = z.enum(['downstream', 'upstream', 'absolute']).meta({ id: 'WeightRule' });

export const Color = z.string().regex(/^#[a-fA-F0-9]{3,6}$/).meta({ id: 'Color' });

const dagFields = {
  dag_id: z.string(),
  dag_display_name: z.string(),
  root_dag_id: z.string().nullable(),
  is_paused: z.boolean(),
  is_active: z.boolean(),
  is_subdag: z.boolean(),
  last_parsed_time: NullableDateTime,
  last_pickled: NullableDateTime,
  last_expired: NullableDateTime,
  scheduler_lock: z.boolean().nullable(),
  pickle_id: z.string().nullable(),
  default_view: z.string().nullable(),
  fileloc: z.string(),
  file_token: z.string(),
  owners: z.array(z.string()),
  description: z.string().nullable(),
  schedule_interval: CronExpression.nullable(),
  timetable_description: z.string().nullable(),
  tags: z.array(Tag),
  max_active_tasks: z.number().int(),
  max_active_runs: z.number().int(),
  has_task_concurrency_limits: z.boolean(),
  has_import_errors: z.boolean(),
  next_dagrun: NullableDateTime,
  next_dagrun_data_interval_start: NullableDateTime,
  next_dagrun_data_interval_end: NullableDateTime,
  next_dagrun_create_after: NullableDateTime,
  max_consecutive_failed_dag_runs: z.number().int(),
};

export const Dag = z.object(dagFields).meta({ id: 'DAG' });
export const DagCollection = collection('dags', Dag, 'DAGCollection');

export const DagDetail = z
  .object({
    ...dagFields,
    timezone: z.string().nullable(),
    catchup: z.boolean(),
    orientation: z.string(),
    concurrency: z.number(),
    start_date: NullableDateTime,
    dag_run_timeout: TimeDelta.nullable(),
    dataset_expression: z.record(z.string(), z.unknown()).nullable(),
    doc_md: z.string().nullable(),
    /** Airflow's serialized Param per name: `{ __class, value, description, schema }`. */
    params: z.record(z.string(), z.unknown()),
    end_date: NullableDateTime,
    is_paused_upon_creation: z.boolean().nullable(),
    last_parsed: NullableDateTime,
    template_search_path: z.array(z.string()).nullable(),
    render_template_as_native_obj: z.boolean().nullable(),
  })
  .meta({ id: 'DAGDetail' });

export const Task = z
  .object({
    class_ref: ClassReference,
    task_id: z.string(),
    task_display_name: z.string(),
    owner: z.string(),
    start_date: NullableDateTime,
    end_date: NullableDateTime,
    trigger_rule: TriggerRule,
    extra_links: z.array(z.object({ class_ref: ClassReference })),
    depends_on_past: z.boolean(),
    is_mapped: z.boolean(),
    wait_for_downstream: z.boolean(),
    retries: z.number(),
    queue: z.string().nullable(),
    pool: z.string(),
    pool_slots: z.number(),
    execution_timeout: TimeDelta.nullable(),
    retry_delay: TimeDelta.nullable(),
    retry_exponential_backoff: z.boolean(),
    priority_weight: z.number(),
    weight_rule: WeightRule,
    ui_color: Color,
    ui_fgcolor: Color,
    template_fields: z.array(z.string()),
    /** Always null: Flashflow has no SubDAGs. */
    sub_dag: Dag.nullable(),
    downstream_task_ids: z.array(z.string()),
  })
  .meta({ id: 'Task' });

export const TaskCollection = z.object({ tasks: z.array(Task) }).meta({ id: 'TaskCollection' });

export const DagPatch = z
  .strictObject({ is_paused: z.boolean() })
  .meta({ id: 'DAGPatch', description: 'The writable part of a DAG (Airflow accepts a DAG body, of which only is_paused is writable).' });

const DagIdParams = z.object({ dag_id: z.string() });

export const getDags = endpoint({
  method: 'GET',
  path: '/dags',
  operationId: 'get_dags',
  tag: 'DAG',
  summary: 'List DAGs',
  params: z.object({}),
  query: z.object({
    ...Paging,
    ...OrderBy,
    tags: repeated(z.string()).meta({ description: 'Only DAGs with any of these tags.' }),
    only_active: QueryBool.default(true).meta({ type: 'boolean', description: 'Only DAGs whose file still defines them.' }),
    paused: QueryBool.optional().meta({ type: 'boolean', description: 'Only paused (true) or unpaused (false) DAGs.' }),
    dag_id_pattern: z.string().optional().meta({ description: 'Only DAGs whose id contains this (SQL ILIKE, case-insensitive).' }),
  }),
  response: DagCollection,
  errors: [400],
});

export const getDag = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}',
  operationId: 'get_dag',
  tag: 'DAG',
  summary: 'Get basic information about a DAG',
  params: DagIdParams,
  response: Dag,
  errors: [404],
});

export const patchDag = endpoint({
  method: 'PATCH',
  path: '/dags/{dag_id}',
  operationId: 'patch_dag',
  tag: 'DAG',
  summary: 'Pause or unpause a DAG',
  params: DagIdParams,
  query: z.object({
    update_mask: repeated(z.string()).meta({ description: 'Fields to update; only `is_paused` is writable.', explode: false }),
  }),
  body: DagPatch,
  response: Dag,
  errors: [400, 404, 413],
});

export const getDagDetails = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/details',
  operationId: 'get_dag_details',
  tag: 'DAG',
  summary: 'Get a DAG with its definition (schedule, params, dates)',
  params: DagIdParams,
  response: DagDetail,
  errors: [404],
});

export const getTasks = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/tasks',
  operationId: 'get_tasks',
  tag: 'DAG',
  summary: "Get a DAG's tasks",
  params: DagIdParams,
  query: z.object({ ...OrderBy }),
  response: TaskCollection,
  errors: [400, 404],
});

export const getTask = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/tasks/{task_id}',
  operationId: 'get_task',
  tag: 'DAG',
  summary: 'Get one task of a DAG',
  params: z.object({ dag_id: z.string(), task_id: z.string() }),
  response: Task,
  errors: [404],
});

export const dagEndpoints = [getDags, getDag, patchDag, getDagDetails, getTasks, getTask];
