import { apiRoute } from '@/lib/api/api-route';
import { testConnection } from '@/lib/api/contracts/connections';
import { testConnectionFromApi } from '@/lib/api/handlers/connections';
import * as connectionRoute from '../[connection_id]/route';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(testConnection, ({ body, runtime }) => testConnectionFromApi(runtime, body));

// This static segment shadows a connection called 'test' for every method; Airflow's router falls through to
// /connections/{connection_id} for the methods /connections/test lacks, so these do too.
type RouteHandler = typeof connectionRoute.GET;
const forConnectionNamedTest = (handler: RouteHandler): RouteHandler =>
  Object.assign((req: Request) => handler(req, { params: Promise.resolve({ connection_id: 'test' }) }), { endpoint: handler.endpoint });

export const GET = forConnectionNamedTest(connectionRoute.GET);
export const PATCH = forConnectionNamedTest(connectionRoute.PATCH);
export const DELETE = forConnectionNamedTest(connectionRoute.DELETE);
