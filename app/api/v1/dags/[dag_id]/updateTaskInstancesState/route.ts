import { apiRoute } from '@/lib/api/api-route';
import { postSetTaskInstancesState } from '@/lib/api/contracts/task-instances';
import { markFromApi } from '@/lib/api/handlers/task-actions';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(postSetTaskInstancesState, ({ runtime, params, body, actor }) =>
  markFromApi(runtime, params.dag_id, body, actor),
);
