import { apiRoute } from '@/lib/api/api-route';
import { getLlmAttempts } from '@/lib/api/contracts/llm';
import { listAttemptsPage } from '@/lib/api/handlers/llm';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getLlmAttempts, ({ runtime, query }) => listAttemptsPage(runtime, query));
