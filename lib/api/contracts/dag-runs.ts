// DAG runs in Airflow's shapes (schemas DAGRun, UpdateDagRunState); `~` as dag_id lists the runs of every DAG.
import { z } from 'zod';
import { DAG_RUN_STATES } from '../../engine/task-states';
import { endpoint } from '../contract';
import { atOrAfter, atOrBefore, collection, Conf, DateTime, DateTimeParam, NullableDateTime, OrderBy, Paging, repeated } from './common';

export const DagState = z.enum(DAG_RUN_STATES).meta({ id: 'DagState' });

/** Airflow's run types; Flashflow's asset-triggered runs are Airflow's dataset-triggered ones. */
export const RUN_TYPES = ['backfill', 'manual', 'scheduled', 'dataset_triggered'] as const;

export const DagRun = z
  .object({
    dag_run_id: z.string(),
    dag_id: z.string(),
    logical_date: DateTime,
    /** Deprecated in Airflow, kept for old clients: the same as logical_date. */
    execution_date: DateTime,
    start_date: NullableDateTime,
    end_date: NullableDateTime,
    data_interval_start: NullableDateTime,
    data_interval_end: NullableDateTime,
    last_scheduling_decision: NullableDateTime,
    run_type: z.enum(RUN_TYPES),
    state: DagState,
    external_trigger: z.boolean(),
    conf: Conf,
    note: z.string().nullable(),
  })
  .meta({ id: 'DAGRun' });

export const DagRunCollection = collection('dag_runs', DagRun, 'DAGRunCollection');

export const TriggerDagRun = z
  .strictObject({
    dag_run_id: z.string().nullable().optional().meta({ description: 'Run id; generated from the logical date when absent.' }),
    logical_date: DateTimeParam.nullable().optional(),
    execution_date: DateTimeParam.nullable().optional().meta({ deprecated: true, description: 'Same as logical_date.' }),
    conf: Conf.optional().meta({ description: "Checked against the DAG's params." }),
    note: z.string().nullable().optional(),
  })
  .meta({ id: 'TriggerDAGRun', description: 'The writable fields of a DAGRun, as Airflow accepts them when triggering.' });

export const UpdateDagRunState = z
  .strictObject({ state: z.enum(['success', 'failed', 'queued']) })
  .meta({
    id: 'UpdateDagRunState',
    description:
      'success marks every task instance success; failed marks unfinished and leaf task instances failed; queued ' +
      'clears every task instance so the run runs again. Queued or running tries are left to finish.',
  });

const RunParams = z.object({ dag_id: z.string(), dag_run_id: z.string() });


export const getDagRuns = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns',
  operationId: 'get_dag_runs',
  tag: 'DAGRun',
  summary: 'List DAG runs (`~` as dag_id: of every DAG)',
  params: z.object({ dag_id: z.string() }),
  query: z.object({
    ...Paging,
    ...OrderBy,
    execution_date_gte: atOrAfter('logical date'),
    execution_date_lte: atOrBefore('logical date'),
    start_date_gte: atOrAfter('start'),
    start_date_lte: atOrBefore('start'),
    end_date_gte: atOrAfter('end'),
    end_date_lte: atOrBefore('end'),
    state: repeated(DagState),
  }),
  response: DagRunCollection,
  errors: [400, 404],
});

export const postDagRun = endpoint({
  method: 'POST',
  path: '/dags/{dag_id}/dagRuns',
  operationId: 'post_dag_run',
  tag: 'DAGRun',
  summary: 'Trigger a DAG run',
  description: "conf is validated against the DAG's params; a paused DAG's run stays queued until it is unpaused.",
  params: z.object({ dag_id: z.string() }),
  body: TriggerDagRun,
  response: DagRun,
  errors: [400, 404, 409, 413],
});

export const getDagRun = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}',
  operationId: 'get_dag_run',
  tag: 'DAGRun',
  summary: 'Get a DAG run',
  params: RunParams,
  response: DagRun,
  errors: [404],
});

export const updateDagRunState = endpoint({
  method: 'PATCH',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}',
  operationId: 'update_dag_run_state',
  tag: 'DAGRun',
  summary: 'Set a DAG run to success or failed, or queue it to run again',
  params: RunParams,
  body: UpdateDagRunState,
  response: DagRun,
  errors: [400, 404, 413],
});

export const deleteDagRun = endpoint({
  method: 'DELETE',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}',
  operationId: 'delete_dag_run',
  tag: 'DAGRun',
  summary: 'Delete a DAG run with its task instances, logs and XComs',
  description: 'Refused (409) while one of its task instances is queued or running.',
  params: RunParams,
  response: null,
  errors: [404, 409],
});

export const dagRunEndpoints = [getDagRuns, postDagRun, getDagRun, updateDagRunState, deleteDagRun];
