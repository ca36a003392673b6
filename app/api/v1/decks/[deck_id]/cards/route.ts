import { apiRoute } from '@/lib/api/api-route';
import { getDeckCards } from '@/lib/api/contracts/flashcards';
import { listDeckCardsPage } from '@/lib/api/handlers/flashcards';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDeckCards, ({ runtime, params, query }) => listDeckCardsPage(runtime, params.deck_id, query));
