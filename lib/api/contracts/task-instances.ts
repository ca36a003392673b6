// Task instances, their logs, and the clear / mark actions, in Airflow's shapes (schemas TaskInstance,
// TaskInstanceReference, ClearTaskInstances, UpdateTaskInstancesState).
import { z } from 'zod';
import { TASK_STATES } from '../../engine/task-states';
import { endpoint } from '../contract';
import { atOrAfter, atOrBefore, collection, DateTime, DateTimeParam, NullableDateTime, OrderBy, Paging, PathInt, QueryBool, repeated } from './common';

/** Airflow ≥ 2.7 writes the `none` state as null; `none` stays in the enum as Airflow's does. */
export const TaskState = z.enum(TASK_STATES).nullable().meta({ id: 'TaskState' });

export const TaskInstance = z
  .object({
    task_id: z.string(),
    task_display_name: z.string(),
    dag_id: z.string(),
    dag_run_id: z.string(),
    execution_date: DateTime,
    start_date: NullableDateTime,
    end_date: NullableDateTime,
    duration: z.number().nullable(),
    state: TaskState,
    try_number: z.number().int(),
    map_index: z.number().int(),
    max_tries: z.number().int(),
    hostname: z.string(),
    unixname: z.string(),
    pool: z.string(),
    pool_slots: z.number().int(),
    queue: z.string().nullable(),
    priority_weight: z.number().int().nullable(),
    operator: z.string().nullable(),
    queued_when: NullableDateTime,
    pid: z.number().int().nullable(),
    executor_config: z.string(),
    /** Always null: Flashflow has no SLA misses, triggers or triggerer. */
    sla_miss: z.object({}).nullable(),
    rendered_map_index: z.string().nullable(),
    rendered_fields: z.record(z.string(), z.unknown()),
    trigger: z.object({}).nullable(),
    triggerer_job: z.object({}).nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'TaskInstance' });

export const TaskInstanceCollection = collection('task_instances', TaskInstance, 'TaskInstanceCollection');

export const TaskInstanceReference = z
  .object({ task_id: z.string(), dag_id: z.string(), execution_date: DateTime, dag_run_id: z.string() })
  .meta({ id: 'TaskInstanceReference' });

export const TaskInstanceReferenceCollection = z
  .object({ task_instances: z.array(TaskInstanceReference) })
  .meta({ id: 'TaskInstanceReferenceCollection' });

export const ClearTaskInstances = z
  .strictObject({
    dry_run: z.boolean().default(true).meta({ description: 'Only list what would be cleared (Airflow defaults to true).' }),
    task_ids: z.array(z.string()).min(1).optional().meta({ description: 'All tasks of the DAG when absent.' }),
    start_date: DateTimeParam.optional().meta({ format: 'date-time', description: 'The minimum logical date to clear.' }),
    end_date: DateTimeParam.optional().meta({ format: 'date-time', description: 'The maximum logical date to clear.' }),
    only_failed: z.boolean().default(true),
    only_running: z.boolean().default(false).meta({ description: 'Only false: running tries are not cleared.' }),
    include_subdags: z.boolean().optional().meta({ description: 'Accepted and ignored: Flashflow has no SubDAGs.' }),
    include_parentdag: z.boolean().optional().meta({ description: 'Accepted and ignored: Flashflow has no SubDAGs.' }),
    reset_dag_runs: z.boolean().optional().meta({ description: 'Accepted; finished runs are always reset to queued.' }),
    dag_run_id: z.string().nullable().optional(),
    include_upstream: z.boolean().default(false),
    include_downstream: z.boolean().default(false),
    include_future: z.boolean().default(false),
    include_past: z.boolean().default(false),
  })
  .meta({ id: 'ClearTaskInstances' });

export const UpdateTaskState = z.enum(['success', 'failed']).meta({ id: 'UpdateTaskState' });

export const UpdateTaskInstancesState = z
  .strictObject({
    dry_run: z.boolean().default(true),
    task_id: z.string(),
    execution_date: DateTimeParam.optional().meta({ format: 'date-time', description: 'Either this or dag_run_id.' }),
    dag_run_id: z.string().optional().meta({ description: 'Either this or execution_date.' }),
    include_upstream: z.boolean().default(false),
    include_downstream: z.boolean().default(false),
    include_future: z.boolean().default(false),
    include_past: z.boolean().default(false),
    new_state: UpdateTaskState,
  })
  .meta({ id: 'UpdateTaskInstancesState' });

export const TaskInstanceLog = z
  .object({
    content: z.string(),
    continuation_token: z.string().meta({ description: 'Pass as `token` to read on from where this page ended.' }),
  })
  .meta({ id: 'TaskInstanceLog' });

const tiFilters = {
  execution_date_gte: atOrAfter('run logical date'),
  execution_date_lte: atOrBefore('run logical date'),
  start_date_gte: atOrAfter('start'),
  start_date_lte: atOrBefore('start'),
  end_date_gte: atOrAfter('end'),
  end_date_lte: atOrBefore('end'),
  duration_gte: z.coerce.number().optional(),
  duration_lte: z.coerce.number().optional(),
  state: repeated(z.enum(TASK_STATES)),
  pool: repeated(z.string()),
  queue: repeated(z.string()),
};

const RunParams = z.object({ dag_id: z.string(), dag_run_id: z.string() });
const TaskParams = z.object({ dag_id: z.string(), dag_run_id: z.string(), task_id: z.string() });

export const getTaskInstances = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances',
  operationId: 'get_task_instances',
  tag: 'TaskInstance',
  summary: 'List the task instances of a DAG run (`~` for every DAG / run)',
  params: RunParams,
  query: z.object({ ...Paging, ...tiFilters }),
  response: TaskInstanceCollection,
  errors: [400, 404],
});

export const getTaskInstance = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}',
  operationId: 'get_task_instance',
  tag: 'TaskInstance',
  summary: 'Get a task instance (an unmapped one, map_index -1)',
  params: TaskParams,
  response: TaskInstance,
  errors: [404],
});

export const getMappedTaskInstance = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}',
  operationId: 'get_mapped_task_instance',
  tag: 'TaskInstance',
  summary: 'Get one instance of a mapped task',
  params: TaskParams.extend({ map_index: PathInt }),
  response: TaskInstance,
  errors: [400, 404],
});

export const getMappedTaskInstances = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/listMapped',
  operationId: 'get_mapped_task_instances',
  tag: 'TaskInstance',
  summary: 'List the instances of a mapped task',
  params: TaskParams,
  query: z.object({ ...Paging, ...OrderBy, ...tiFilters }),
  response: TaskInstanceCollection,
  errors: [400, 404],
});

export const getLog = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}',
  operationId: 'get_log',
  tag: 'TaskInstance',
  summary: 'Get the log of one try of a task instance',
  description:
    'JSON by default; plain text when the Accept header asks for text/plain. Without full_content, one page ' +
    '(at most 5,000 lines and 512 KiB); with it, at most 16 MiB. Pass the continuation_token back as `token` for ' +
    'the next; its end_of_log is true once the try is over and everything was read. A try keeps at most ' +
    'FLASHFLOW_TASK_LOG_MAX_BYTES of log, then one `*** Log truncated` line.',
  params: TaskParams.extend({ task_try_number: PathInt.min(1) }),
  query: z.object({
    full_content: QueryBool.default(false).meta({ type: 'boolean', description: 'The whole log (up to 16 MiB) instead of one page.' }),
    map_index: z.coerce.number().int().default(-1),
    token: z.string().optional().meta({ description: 'A continuation_token from a previous page.' }),
  }),
  response: TaskInstanceLog,
  textPlain: true,
  errors: [400, 404],
});

export const postClearTaskInstances = endpoint({
  method: 'POST',
  path: '/dags/{dag_id}/clearTaskInstances',
  operationId: 'post_clear_task_instances',
  tag: 'DAG',
  summary: 'Clear task instances so that they run again',
  params: z.object({ dag_id: z.string() }),
  body: ClearTaskInstances,
  response: TaskInstanceReferenceCollection,
  errors: [400, 404, 413],
});

export const postSetTaskInstancesState = endpoint({
  method: 'POST',
  path: '/dags/{dag_id}/updateTaskInstancesState',
  operationId: 'post_set_task_instances_state',
  tag: 'DAG',
  summary: 'Mark task instances success or failed',
  params: z.object({ dag_id: z.string() }),
  body: UpdateTaskInstancesState,
  response: TaskInstanceReferenceCollection,
  errors: [400, 404, 413],
});

export const taskInstanceEndpoints = [
  getTaskInstances,
  getTaskInstance,
  getMappedTaskInstance,
  getMappedTaskInstances,
  getLog,
  postClearTaskInstances,
  postSetTaskInstancesState,
];
