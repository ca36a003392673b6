import { apiRoute } from '@/lib/api/api-route';
import { getTasks } from '@/lib/api/contracts/dags';
import { getDagTasks } from '@/lib/api/handlers/dags';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTasks, ({ runtime, params, query }) => getDagTasks(runtime, params.dag_id, query.order_by));
