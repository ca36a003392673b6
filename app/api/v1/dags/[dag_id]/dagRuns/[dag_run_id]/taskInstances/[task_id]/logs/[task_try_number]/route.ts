import { apiRoute } from '@/lib/api/api-route';
import { getLog } from '@/lib/api/contracts/task-instances';
import { readTryLog } from '@/lib/api/handlers/task-instances';
import { wantsTextPlain } from '@/lib/api/read-request';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getLog, async ({ runtime, params, query, req }) => {
  const log = await readTryLog(
    runtime,
    { dagId: params.dag_id, runId: params.dag_run_id, taskId: params.task_id, mapIndex: query.map_index, tryNumber: params.task_try_number },
    { fullContent: query.full_content, token: query.token },
  );
  return wantsTextPlain(req) ? new Response(log.content, { headers: { 'content-type': 'text/plain; charset=utf-8' } }) : log;
});
