import { apiRoute } from '@/lib/api/api-route';
import { getDags } from '@/lib/api/contracts/dags';
import { listDagsPage } from '@/lib/api/handlers/dags';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDags, ({ runtime, query }) => listDagsPage(runtime, query));
