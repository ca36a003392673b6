import { apiRoute } from '@/lib/api/api-route';
import { deletePool, getPool, patchPool } from '@/lib/api/contracts/pools';
import { changePool, getPoolOne, removePool } from '@/lib/api/handlers/pools';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getPool, ({ runtime, params }) => getPoolOne(runtime, params.pool_name));

export const PATCH = apiRoute(patchPool, ({ runtime, params, query, body, actor }) =>
  changePool(runtime, params.pool_name, { query, body }, actor),
);

export const DELETE = apiRoute(deletePool, ({ runtime, params, actor }) => removePool(runtime, params.pool_name, actor));
