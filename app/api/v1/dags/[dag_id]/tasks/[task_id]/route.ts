import { apiRoute } from '@/lib/api/api-route';
import { getTask } from '@/lib/api/contracts/dags';
import { getDagTask } from '@/lib/api/handlers/dags';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getTask, ({ runtime, params }) => getDagTask(runtime, params.dag_id, params.task_id));
