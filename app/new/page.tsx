import { DEFAULT_MAX_CHARS } from '@/lib/llm/card-schema';
import { VOCABULARY_LIMITS } from '@/lib/flashcards/parse-vocabulary';
import { NewDeckForm } from './new-deck-form';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'New deck · Flashflow' };

export default function NewDeckPage() {
  return (
    <>
      <h1>New deck</h1>
      <p className="muted">
        Paste the words you noted while watching a movie — one word or expression per line, <code>word ; hint</code> to
        say which sense you mean. Each becomes a French–English card whose example and translation have fewer than{' '}
        {DEFAULT_MAX_CHARS} characters (up to {VOCABULARY_LIMITS.maxEntries} words per list).
      </p>
      <NewDeckForm defaultMaxChars={DEFAULT_MAX_CHARS} maxEntries={VOCABULARY_LIMITS.maxEntries} />
    </>
  );
}
