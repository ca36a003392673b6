import { apiRoute } from '@/lib/api/api-route';
import { getLlmStats } from '@/lib/api/contracts/llm';
import { getStats } from '@/lib/api/handlers/llm';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getLlmStats, ({ runtime, query }) => getStats(runtime, query));
