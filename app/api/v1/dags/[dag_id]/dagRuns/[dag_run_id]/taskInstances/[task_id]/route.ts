import { apiRoute } from '@/lib/api/api-route';
import { getTaskInstance } from '@/lib/api/contracts/task-instances';
import { getTaskInstanceOne } from '@/lib/api/handlers/task-instances';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTaskInstance, ({ runtime, params }) =>
  getTaskInstanceOne(runtime, { dagId: params.dag_id, runId: params.dag_run_id, taskId: params.task_id, mapIndex: -1 }),
);
