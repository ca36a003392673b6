import { apiRoute } from '@/lib/api/api-route';
import { deleteDagRun, getDagRun, updateDagRunState } from '@/lib/api/contracts/dag-runs';
import { deleteRun, getDagRunOne, setDagRunState } from '@/lib/api/handlers/dag-runs';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDagRun, ({ runtime, params }) => getDagRunOne(runtime, params.dag_id, params.dag_run_id));

export const PATCH = apiRoute(updateDagRunState, ({ runtime, params, body, actor }) =>
  setDagRunState(runtime, params.dag_id, params.dag_run_id, body.state, actor),
);

export const DELETE = apiRoute(deleteDagRun, ({ runtime, params, actor }) => deleteRun(runtime, params.dag_id, params.dag_run_id, actor));
