import { apiRoute } from '@/lib/api/api-route';
import { getXcomEntries } from '@/lib/api/contracts/xcoms';
import { listXcomEntriesPage } from '@/lib/api/handlers/xcoms';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getXcomEntries, ({ runtime, params, query }) =>
  listXcomEntriesPage(runtime, { dagId: params.dag_id, runId: params.dag_run_id, taskId: params.task_id }, query),
);
