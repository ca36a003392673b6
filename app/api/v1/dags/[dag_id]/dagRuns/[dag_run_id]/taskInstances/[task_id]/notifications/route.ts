import { apiRoute } from '@/lib/api/api-route';
import { getTaskInstanceNotifications } from '@/lib/api/contracts/notifications';
import { listTaskInstanceNotifications } from '@/lib/api/handlers/notifications';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTaskInstanceNotifications, ({ runtime, params, query }) =>
  listTaskInstanceNotifications(runtime, { dagId: params.dag_id, runId: params.dag_run_id, taskId: params.task_id }, query),
);
