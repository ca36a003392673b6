import { apiRoute } from '@/lib/api/api-route';
import { getMappedTaskInstances } from '@/lib/api/contracts/task-instances';
import { listMappedPage } from '@/lib/api/handlers/task-instances';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getMappedTaskInstances, ({ runtime, params, query }) =>
  listMappedPage(runtime, { dagId: params.dag_id, runId: params.dag_run_id, taskId: params.task_id }, query),
);
