import { apiRoute } from '@/lib/api/api-route';
import { getUpstreamDatasetEvents } from '@/lib/api/contracts/datasets';
import { listUpstreamDatasetEvents } from '@/lib/api/handlers/datasets';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getUpstreamDatasetEvents, ({ runtime, params }) => listUpstreamDatasetEvents(runtime, params.dag_id, params.dag_run_id));
