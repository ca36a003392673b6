// Dataset endpoints: assets, their events (each with the runs it triggered), and the events behind one run.
import type { z } from 'zod';
import { listAssetEvents, listAssets, type AssetEventRow, type AssetRow, type TriggeredRun } from '../../store/api-assets';
import type { EndpointInput } from '../contract';
import type { BasicDagRun, Dataset, DatasetCollection, DatasetEvent, DatasetEventCollection, getDatasetEvents, getDatasets } from '../contracts/datasets';
import { iso, requireRun, type ApiRuntime } from './shared';

function serializeDataset(a: AssetRow): z.input<typeof Dataset> {
  return {
    uri: a.uri,
    extra: null,
    created_at: iso(a.created_at),
    updated_at: iso(a.updated_at),
    consuming_dags: a.consuming_dags.map((r) => ({ dag_id: r.dag_id, created_at: iso(r.created_at), updated_at: iso(r.updated_at) })),
    producing_tasks: a.producing_tasks.map((r) => ({ dag_id: r.dag_id, task_id: r.task_id, created_at: iso(r.created_at), updated_at: iso(r.updated_at) })),
  };
}

function serializeRun(r: TriggeredRun): z.input<typeof BasicDagRun> {
  return {
    run_id: r.run_id,
    dag_id: r.dag_id,
    logical_date: iso(r.logical_date),
    start_date: iso(r.start_date),
    end_date: iso(r.end_date),
    data_interval_start: iso(r.data_interval_start),
    data_interval_end: iso(r.data_interval_end),
    state: r.state as z.input<typeof BasicDagRun>['state'],
  };
}

function serializeEvent(e: AssetEventRow): z.input<typeof DatasetEvent> {
  return {
    dataset_uri: e.uri,
    extra: e.extra,
    source_dag_id: e.source_dag_id,
    source_task_id: e.source_task_id,
    source_run_id: e.source_run_id,
    source_map_index: e.source_map_index,
    created_dagruns: e.created_dagruns.map(serializeRun),
    timestamp: iso(e.timestamp),
  };
}

export async function listDatasetsPage(rt: ApiRuntime, q: EndpointInput<typeof getDatasets>['query']): Promise<z.input<typeof DatasetCollection>> {
  const page = await listAssets(rt.db.sql, { uriPattern: q.uri_pattern, dagIds: q.dag_ids }, q, q.order_by);
  return { datasets: page.rows.map(serializeDataset), total_entries: page.total };
}

export async function listDatasetEventsPage(
  rt: ApiRuntime,
  q: EndpointInput<typeof getDatasetEvents>['query'],
): Promise<z.input<typeof DatasetEventCollection>> {
  const page = await listAssetEvents(
    rt.db.sql,
    { sourceDagId: q.source_dag_id, sourceTaskId: q.source_task_id, sourceRunId: q.source_run_id, sourceMapIndex: q.source_map_index },
    q,
    q.order_by,
  );
  return { dataset_events: page.rows.map(serializeEvent), total_entries: page.total };
}

/** Airflow answers these unpaged: a run consumes one event per asset it is scheduled on, rarely more. */
const UPSTREAM_EVENTS_LIMIT = 10_000;

export async function listUpstreamDatasetEvents(rt: ApiRuntime, dagId: string, runId: string): Promise<z.input<typeof DatasetEventCollection>> {
  await requireRun(rt, dagId, runId);
  const page = await listAssetEvents(rt.db.sql, { consumedBy: { dagId, runId } }, { limit: UPSTREAM_EVENTS_LIMIT, offset: 0 });
  return { dataset_events: page.rows.map(serializeEvent), total_entries: page.total };
}
