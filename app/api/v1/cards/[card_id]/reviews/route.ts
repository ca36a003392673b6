import { apiRoute } from '@/lib/api/api-route';
import { getCardReviews, postCardReview } from '@/lib/api/contracts/flashcards';
import { listCardReviews, reviewCard } from '@/lib/api/handlers/flashcards';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getCardReviews, ({ runtime, params }) => listCardReviews(runtime, params.card_id));

export const POST = apiRoute(postCardReview, ({ runtime, params, body }) => reviewCard(runtime, params.card_id, body));
