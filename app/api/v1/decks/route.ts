import { apiRoute } from '@/lib/api/api-route';
import { getDecks, postDeck } from '@/lib/api/contracts/flashcards';
import { createDeck, listDecksPage } from '@/lib/api/handlers/flashcards';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(getDecks, ({ runtime, query }) => listDecksPage(runtime, query));

export const POST = apiRoute(postDeck, ({ runtime, body, actor }) => createDeck(runtime, body, actor));
