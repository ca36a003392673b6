import { apiRoute } from '@/lib/api/api-route';
import { getDagRuns, postDagRun } from '@/lib/api/contracts/dag-runs';
import { listDagRunsPage, triggerRun } from '@/lib/api/handlers/dag-runs';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDagRuns, ({ runtime, params, query }) => listDagRunsPage(runtime, params.dag_id, query));

export const POST = apiRoute(postDagRun, ({ runtime, params, body, actor }) => triggerRun(runtime, params.dag_id, body, actor));
