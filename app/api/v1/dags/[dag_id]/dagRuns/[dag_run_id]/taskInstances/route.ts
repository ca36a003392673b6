import { apiRoute } from '@/lib/api/api-route';
import { getTaskInstances } from '@/lib/api/contracts/task-instances';
import { listTaskInstancesPage } from '@/lib/api/handlers/task-instances';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTaskInstances, ({ runtime, params, query }) =>
  listTaskInstancesPage(runtime, params.dag_id, params.dag_run_id, query),
);
