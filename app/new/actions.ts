'use server';
// The paste form's submit: checks every field (the vocabulary with the same parser the DAG uses), then creates the
// deck and the french_flashcards run in ONE transaction, so the deck page exists at once and can follow the run from
// its first second (the run's conf names the deck by id). Errors come back per field.
import { redirect } from 'next/navigation';
import { InvalidInputError, NotFoundError } from '@/lib/kernel/errors';
import { FLASHCARDS_DAG_ID } from '@/lib/flashcards/deck-progress';
import { getOrCreateDeck } from '@/lib/flashcards/decks';
import { actionUser } from '@/lib/api/current-user';
import { getRuntime } from '@/lib/runtime/app-context';
import { connectionSource } from '@/lib/store/connections';
import { llmAllowedModels, triggerDagRun } from '@/lib/store/trigger-dag-run';
import { NewDeckSchema, type NewDeckState } from './new-deck-schema';

export async function createDeckRun(_prev: NewDeckState, form: FormData): Promise<NewDeckState> {
  const raw = {
    deck_name: String(form.get('deck_name') ?? ''),
    vocabulary: String(form.get('vocabulary') ?? ''),
    max_example_chars: String(form.get('max_example_chars') ?? ''),
    max_reasks: String(form.get('max_reasks') ?? ''),
    model: String(form.get('model') ?? ''),
  };
  const who = await actionUser('User');
  if (!who.ok) return { values: raw, fieldErrors: {}, formError: who.message };
  const fieldErrors: Record<string, string> = {};
  const parsed = NewDeckSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? 'form')] ??= issue.message;
  }
  if (!parsed.success) return { values: raw, fieldErrors, formError: null };

  const conf = {
    deck_name: parsed.data.deck_name,
    // As typed: the run's parse_vocabulary parses it again, authoritatively, for API and CLI triggers alike.
    vocabulary: raw.vocabulary,
    max_example_chars: parsed.data.max_example_chars,
    max_reasks: parsed.data.max_reasks,
    ...(parsed.data.model ? { model: parsed.data.model } : {}),
  };
  let target: string;
  try {
    const rt = getRuntime();
    const now = rt.clock.now();
    const connections = connectionSource({ db: rt.db.prisma, secrets: rt.secrets, env: rt.config.connectionEnv });
    // Read before the transaction: the embedded database answers one caller at a time, so a read inside would wait on it.
    const models = conf.model ? await llmAllowedModels(connections, rt.config.llmEnv)() : null;
    const allowedModels = models ? async () => models : undefined;
    const { deckId, runId } = await rt.db.sql.transaction(async (tx) => {
      const { deck } = await getOrCreateDeck(tx, { name: conf.deck_name }, now);
      const run = await triggerDagRun(tx, { dagId: FLASHCARDS_DAG_ID, conf: { ...conf, deck_id: deck.id } }, now, { allowedModels });
      return { deckId: deck.id, runId: run.runId };
    });
    rt.scheduler.wake();
    target = `/decks/${deckId}?run=${encodeURIComponent(runId)}`;
  } catch (err) {
    if (err instanceof InvalidInputError) {
      // conf.max_reasks → max_reasks: the DAG's params name the form's fields.
      for (const f of err.fields) fieldErrors[f.path.replace(/^conf\./, '')] ??= f.message;
      return { values: raw, fieldErrors, formError: Object.keys(fieldErrors).length ? null : err.message };
    }
    if (err instanceof NotFoundError) {
      return { values: raw, fieldErrors, formError: `The ${FLASHCARDS_DAG_ID} workflow is not loaded: check the DAG folder and its import errors.` };
    }
    console.error('creating a deck run failed', err);
    return { values: raw, fieldErrors, formError: 'The run could not be started; the server log has the details.' };
  }
  redirect(target);
}
