import { apiRoute } from '@/lib/api/api-route';
import { getEventLogs } from '@/lib/api/contracts/monitoring';
import { listEventLogsPage } from '@/lib/api/handlers/monitoring';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getEventLogs, ({ runtime, query }) => listEventLogsPage(runtime, query));
