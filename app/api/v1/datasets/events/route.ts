import { apiRoute } from '@/lib/api/api-route';
import { getDatasetEvents } from '@/lib/api/contracts/datasets';
import { listDatasetEventsPage } from '@/lib/api/handlers/datasets';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDatasetEvents, ({ runtime, query }) => listDatasetEventsPage(runtime, query));
