import Link from 'next/link';
import { listDecks } from '@/lib/flashcards/decks';
import { getRuntime } from '@/lib/runtime/app-context';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Decks · Flashflow' };

export default async function DecksPage() {
  const rt = getRuntime();
  const decks = await listDecks(rt.db.sql, rt.clock.now());
  return (
    <>
      <div className="title-row">
        <h1>Decks</h1>
        <Link href="/new" className="button primary">New deck</Link>
      </div>
      {decks.length === 0 ? (
        <p className="muted">No deck yet. <Link href="/new">Paste the vocabulary of a movie</Link> to make one.</p>
      ) : (
        <table className="table" data-testid="deck-list">
          <thead>
            <tr><th>Deck</th><th className="num">Cards</th><th className="num">Valid</th><th className="num">Pending</th><th className="num">Failed</th><th className="num">Flagged</th><th className="num">Due now</th><th /></tr>
          </thead>
          <tbody>
            {decks.map((d) => (
              <tr key={d.id}>
                <td><Link href={`/decks/${d.id}`}>{d.name}</Link>{d.level && <span className="muted"> · {d.level}</span>}</td>
                <td className="num">{d.cards.total}</td>
                <td className="num">{d.cards.valid}</td>
                <td className="num">{d.cards.pending}</td>
                <td className="num">{d.cards.failed}</td>
                <td className="num">{d.cards.flagged}</td>
                <td className="num"><strong>{d.cards.dueNow}</strong></td>
                <td>{d.cards.dueNow > 0 && <Link href={`/review?deck=${d.id}`}>Review</Link>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
