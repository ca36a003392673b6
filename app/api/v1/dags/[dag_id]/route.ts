import { apiRoute } from '@/lib/api/api-route';
import { getDag, patchDag } from '@/lib/api/contracts/dags';
import { getDagSummary, patchDagPaused } from '@/lib/api/handlers/dags';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDag, ({ runtime, params }) => getDagSummary(runtime, params.dag_id));

export const PATCH = apiRoute(patchDag, ({ runtime, params, query, body, actor }) =>
  patchDagPaused(runtime, params.dag_id, { query, body }, actor),
);
