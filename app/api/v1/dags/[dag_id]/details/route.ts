import { apiRoute } from '@/lib/api/api-route';
import { getDagDetails } from '@/lib/api/contracts/dags';
import { getDagDetail } from '@/lib/api/handlers/dags';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDagDetails, ({ runtime, params }) => getDagDetail(runtime, params.dag_id));
