import { apiRoute } from '@/lib/api/api-route';
import { deleteCardOne, getCardOne, patchCard } from '@/lib/api/contracts/flashcards';
import { changeCard, getCardResponse, removeCard } from '@/lib/api/handlers/flashcards';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getCardOne, ({ runtime, params }) => getCardResponse(runtime, params.card_id));

export const PATCH = apiRoute(patchCard, ({ runtime, params, body, actor, req }) =>
  changeCard(runtime, params.card_id, body, actor, req.headers.get('if-match')),
);

export const DELETE = apiRoute(deleteCardOne, ({ runtime, params, actor }) => removeCard(runtime, params.card_id, actor));
