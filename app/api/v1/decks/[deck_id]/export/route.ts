import { apiRoute } from '@/lib/api/api-route';
import { getDeckExport } from '@/lib/api/contracts/flashcards';
import { exportDeck } from '@/lib/api/handlers/flashcards';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDeckExport, ({ runtime, params, query }) => exportDeck(runtime, params.deck_id, query));
