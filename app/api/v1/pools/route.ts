import { apiRoute } from '@/lib/api/api-route';
import { getPools, postPool } from '@/lib/api/contracts/pools';
import { createPool, listPoolsPage } from '@/lib/api/handlers/pools';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getPools, ({ runtime, query }) => listPoolsPage(runtime, query));

export const POST = apiRoute(postPool, ({ runtime, body, actor }) => createPool(runtime, body, actor));
