import { apiRoute } from '@/lib/api/api-route';
import { deleteCardOne, getCardOne, patchCard } from '@/lib/api/contracts/flashcards';
import { changeCard, getCardOut, removeCard } from '@/lib/api/handlers/flashcards';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getCardOne, ({ runtime, params }) => getCardOut(runtime, params.card_id));

export const PATCH = apiRoute(patchCard, ({ runtime, params, body, actor }) => changeCard(runtime, params.card_id, body, actor));

export const DELETE = apiRoute(deleteCardOne, ({ runtime, params, actor }) => removeCard(runtime, params.card_id, actor));
