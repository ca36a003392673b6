import { apiRoute } from '@/lib/api/api-route';
import { getDatasets } from '@/lib/api/contracts/datasets';
import { listDatasetsPage } from '@/lib/api/handlers/datasets';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDatasets, ({ runtime, query }) => listDatasetsPage(runtime, query));
