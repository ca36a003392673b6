import { apiRoute } from '@/lib/api/api-route';
import { getXcomEntry } from '@/lib/api/contracts/xcoms';
import { getXcomEntryOne } from '@/lib/api/handlers/xcoms';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getXcomEntry, ({ runtime, params, query }) =>
  getXcomEntryOne(runtime, { dagId: params.dag_id, runId: params.dag_run_id, taskId: params.task_id, mapIndex: query.map_index, key: params.xcom_key }),
);
