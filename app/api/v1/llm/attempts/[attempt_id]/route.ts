import { apiRoute } from '@/lib/api/api-route';
import { getLlmAttemptOne } from '@/lib/api/contracts/llm';
import { getAttemptOut } from '@/lib/api/handlers/llm';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getLlmAttemptOne, ({ runtime, params }) => getAttemptOut(runtime, params.attempt_id));
