import { DEFAULT_MAX_CHARS } from '@/lib/llm/card-schema';
import { VOCABULARY_LIMITS } from '@/lib/flashcards/parse-vocabulary';
import { getRuntime } from '@/lib/runtime/app-context';
import { connectionSource } from '@/lib/store/connections';
import { llmAllowedModels } from '@/lib/store/trigger-dag-run';
import { NewDeckForm } from './new-deck-form';

/** The models an Op allows (ADR 0030), offered as a list; null when no provider (or no readable list) is configured. */
async function allowedModels(): Promise<string[] | null> {
  const rt = getRuntime();
  const connections = connectionSource({ db: rt.db.prisma, secrets: rt.secrets, env: rt.config.connectionEnv });
  const result = await llmAllowedModels(connections, rt.config.llmEnv)().catch(() => null);
  return result?.ok && result.allowed ? [...result.allowed.models] : null;
}

export const dynamic = 'force-dynamic';
export const metadata = { title: 'New deck · Flashflow' };

export default async function NewDeckPage() {
  const models = await allowedModels();
  return (
    <>
      <h1>New deck</h1>
      <p className="muted">
        Paste the words you noted while watching a movie — one word or expression per line, <code>word ; hint</code> to
        say which sense you mean. Each becomes a French–English card whose example and translation have fewer than{' '}
        {DEFAULT_MAX_CHARS} characters (up to {VOCABULARY_LIMITS.maxEntries} words per list).
      </p>
      <NewDeckForm defaultMaxChars={DEFAULT_MAX_CHARS} maxEntries={VOCABULARY_LIMITS.maxEntries} models={models} />
    </>
  );
}
