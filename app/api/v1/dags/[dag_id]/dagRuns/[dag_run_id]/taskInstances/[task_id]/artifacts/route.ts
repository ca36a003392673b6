import { apiRoute } from '@/lib/api/api-route';
import { getTaskInstanceArtifacts } from '@/lib/api/contracts/artifacts';
import { listArtifacts } from '@/lib/api/handlers/artifacts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTaskInstanceArtifacts, ({ runtime, params, query }) =>
  listArtifacts(runtime, { dagId: params.dag_id, runId: params.dag_run_id, taskId: params.task_id, mapIndex: query.map_index }),
);
