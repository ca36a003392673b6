import { apiRoute } from '@/lib/api/api-route';
import { deleteConnection, getConnection, patchConnection } from '@/lib/api/contracts/connections';
import { changeConnection, getConnectionOne, removeConnection } from '@/lib/api/handlers/connections';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getConnection, ({ runtime, params }) => getConnectionOne(runtime, params.connection_id));

export const PATCH = apiRoute(patchConnection, ({ runtime, params, query, body, actor }) =>
  changeConnection(runtime, params.connection_id, { query, body }, actor),
);

export const DELETE = apiRoute(deleteConnection, ({ runtime, params, actor }) => removeConnection(runtime, params.connection_id, actor));
