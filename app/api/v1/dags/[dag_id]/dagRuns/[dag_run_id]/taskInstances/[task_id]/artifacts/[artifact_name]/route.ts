import { apiRoute } from '@/lib/api/api-route';
import { getTaskInstanceArtifact } from '@/lib/api/contracts/artifacts';
import { artifactResponse } from '@/lib/api/handlers/artifacts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTaskInstanceArtifact, ({ runtime, params, query }) =>
  artifactResponse(
    runtime,
    { dagId: params.dag_id, runId: params.dag_run_id, taskId: params.task_id, mapIndex: query.map_index },
    params.artifact_name,
  ),
);
