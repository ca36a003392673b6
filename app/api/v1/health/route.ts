import { apiRoute } from '@/lib/api/api-route';
import { getHealth } from '@/lib/ops/health';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (_req, { runtime }) => getHealth(runtime.db.sql, runtime.clock.now()));
