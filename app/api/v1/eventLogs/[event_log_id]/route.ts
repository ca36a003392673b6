import { apiRoute } from '@/lib/api/api-route';
import { getEventLog } from '@/lib/api/contracts/monitoring';
import { getEventLogOne } from '@/lib/api/handlers/monitoring';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getEventLog, ({ runtime, params }) => getEventLogOne(runtime, params.event_log_id));
