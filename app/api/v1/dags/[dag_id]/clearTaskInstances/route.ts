import { apiRoute } from '@/lib/api/api-route';
import { postClearTaskInstances } from '@/lib/api/contracts/task-instances';
import { clearFromApi } from '@/lib/api/handlers/task-actions';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(postClearTaskInstances, ({ runtime, params, body, actor }) =>
  clearFromApi(runtime, params.dag_id, body, actor),
);
