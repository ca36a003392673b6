import { notFound } from 'next/navigation';
import { deckProgress, deckSummary, listDeckCardsPage } from '@/lib/api/handlers/flashcards';
import { NotFoundError } from '@/lib/kernel/errors';
import { getRuntime } from '@/lib/runtime/app-context';
import { DeckLive } from './deck-live';
import { cardView } from './deck-types';

export const dynamic = 'force-dynamic';

/** Cards shown on the page; a deck from one movie rarely has more. */
const PAGE_CARDS = 1000;

export default async function DeckPage({ params, searchParams }: { params: Promise<{ deckId: string }>; searchParams: Promise<{ run?: string }> }) {
  const { deckId: raw } = await params;
  const { run } = await searchParams;
  const deckId = Number(raw);
  if (!Number.isInteger(deckId) || deckId <= 0) notFound();
  const rt = getRuntime();
  try {
    const [deck, progress, cards] = await Promise.all([
      deckSummary(rt, deckId),
      deckProgress(rt, deckId, run || undefined),
      listDeckCardsPage(rt, deckId, { limit: PAGE_CARDS, offset: 0 }),
    ]);
    return <DeckLive deck={{ id: deck.id, name: deck.name }} runId={run || null} initialProgress={progress} initialCards={cards.cards.map(cardView)} />;
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}
