// Assets in Airflow's dataset shapes (schemas Dataset, DatasetEvent, BasicDAGRun and their collections). Flashflow
// has no dataset table, so a dataset is known by its URI alone: Airflow's integer `id` / `dataset_id` are left out.
import { z } from 'zod';
import { endpoint } from '../contract';
import { collection, DateTime, NullableDateTime, OrderBy, Paging, repeated } from './common';
import { DagState } from './dag-runs';

export const TaskOutletDatasetReference = z
  .object({ dag_id: z.string().nullable(), task_id: z.string().nullable(), created_at: DateTime, updated_at: DateTime })
  .meta({ id: 'TaskOutletDatasetReference' });

export const DagScheduleDatasetReference = z
  .object({ dag_id: z.string().nullable(), created_at: DateTime, updated_at: DateTime })
  .meta({ id: 'DagScheduleDatasetReference' });

export const Dataset = z
  .object({
    uri: z.string(),
    extra: z.record(z.string(), z.unknown()).nullable().meta({ description: 'Always null: Flashflow assets carry no extra of their own.' }),
    created_at: DateTime.meta({ description: 'When it was first referenced by a DAG or updated.' }),
    updated_at: DateTime.meta({ description: 'When a DAG referencing it last changed, or it was last updated.' }),
    consuming_dags: z.array(DagScheduleDatasetReference),
    producing_tasks: z.array(TaskOutletDatasetReference),
  })
  .meta({ id: 'Dataset' });

export const DatasetCollection = collection('datasets', Dataset, 'DatasetCollection');

export const BasicDagRun = z
  .object({
    run_id: z.string(),
    dag_id: z.string(),
    logical_date: DateTime,
    start_date: NullableDateTime,
    end_date: NullableDateTime,
    data_interval_start: NullableDateTime,
    data_interval_end: NullableDateTime,
    state: DagState,
  })
  .meta({ id: 'BasicDAGRun' });

export const DatasetEvent = z
  .object({
    dataset_uri: z.string(),
    extra: z.record(z.string(), z.unknown()).nullable().meta({ description: "The producing task's result when it is an object." }),
    source_dag_id: z.string().nullable(),
    source_task_id: z.string().nullable(),
    source_run_id: z.string().nullable(),
    source_map_index: z.number().int().nullable(),
    created_dagruns: z.array(BasicDagRun).meta({ description: 'The asset-triggered runs that consumed this event.' }),
    timestamp: DateTime,
  })
  .meta({ id: 'DatasetEvent' });

export const DatasetEventCollection = collection('dataset_events', DatasetEvent, 'DatasetEventCollection');

export const getDatasets = endpoint({
  method: 'GET',
  path: '/datasets',
  operationId: 'get_datasets',
  tag: 'Dataset',
  summary: 'List assets: those active DAGs produce or are scheduled on, and those with events',
  query: z.object({
    ...Paging,
    ...OrderBy,
    uri_pattern: z.string().optional().meta({ description: 'Only URIs containing this, case-insensitive.' }),
    dag_ids: repeated(z.string()).meta({ description: 'Only assets these DAGs produce or consume (comma-separated).', explode: false }),
  }),
  response: DatasetCollection,
  errors: [400],
});

export const getDatasetEvents = endpoint({
  method: 'GET',
  path: '/datasets/events',
  operationId: 'get_dataset_events',
  tag: 'Dataset',
  summary: 'List asset events, each with the runs it triggered',
  query: z.object({
    ...Paging,
    ...OrderBy,
    source_dag_id: z.string().optional(),
    source_task_id: z.string().optional(),
    source_run_id: z.string().optional(),
    source_map_index: z.coerce.number().int().optional(),
  }),
  response: DatasetEventCollection,
  errors: [400],
});

export const getUpstreamDatasetEvents = endpoint({
  method: 'GET',
  path: '/dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents',
  operationId: 'get_upstream_dataset_events',
  tag: 'DAGRun',
  summary: 'List the asset events that triggered a DAG run',
  params: z.object({ dag_id: z.string(), dag_run_id: z.string() }),
  response: DatasetEventCollection,
  errors: [404],
});

export const datasetEndpoints = [getDatasets, getDatasetEvents, getUpstreamDatasetEvents];
