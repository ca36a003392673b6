import { apiRoute } from '@/lib/api/api-route';
import { getConnections, postConnection } from '@/lib/api/contracts/connections';
import { createConnectionFromApi, listConnectionsPage } from '@/lib/api/handlers/connections';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getConnections, ({ runtime, query }) => listConnectionsPage(runtime, query));

export const POST = apiRoute(postConnection, ({ runtime, body, actor }) => createConnectionFromApi(runtime, body, actor));
