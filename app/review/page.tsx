import Link from 'next/link';
import { getDeck } from '@/lib/flashcards/decks';
import { getRuntime } from '@/lib/runtime/app-context';
import { loadReviewState } from './review-state';
import { ReviewSession } from './review-session';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Review · Flashflow' };

export default async function ReviewPage({ searchParams }: { searchParams: Promise<{ deck?: string }> }) {
  const { deck } = await searchParams;
  const deckId = deck && /^\d+$/.test(deck) ? Number(deck) : null;
  const rt = getRuntime();
  const deckName = deckId === null ? null : await getDeck(rt.db.sql, deckId).then((d) => d.name, () => null);
  if (deckId !== null && deckName === null) {
    return <><h1>Review</h1><p className="error">Deck {deckId} does not exist. <Link href="/decks">All decks</Link></p></>;
  }
  const state = await loadReviewState(rt.db.sql, rt.clock.now(), deckId);
  return (
    <>
      <h1>Review{deckName ? <> · <Link href={`/decks/${deckId}`}>{deckName}</Link></> : ' · all decks'}</h1>
      <ReviewSession deckId={deckId} initial={state} />
    </>
  );
}
