import { apiRoute } from '@/lib/api/api-route';
import { getDeckOne } from '@/lib/api/contracts/flashcards';
import { getDeckOut } from '@/lib/api/handlers/flashcards';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDeckOne, ({ runtime, params }) => getDeckOut(runtime, params.deck_id));
