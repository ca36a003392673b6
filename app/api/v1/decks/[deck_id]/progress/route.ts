import { apiRoute } from '@/lib/api/api-route';
import { getDeckProgress } from '@/lib/api/contracts/flashcards';
import { deckProgress } from '@/lib/api/handlers/flashcards';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDeckProgress, ({ runtime, params, query }) => deckProgress(runtime, params.deck_id, query.dag_run_id));
