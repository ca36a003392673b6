// The services the flashcard DAGs call through ctx.call: they run in the process that owns the database,
// so task code creates decks, saves cards and records LLM attempts without ever opening it.
import { z } from 'zod';
import { addPendingCards, getCard, markCardFailed } from '../flashcards/cards';
import { saveGeneratedCardWith } from '../flashcards/card-content-updates';
import { FailureReasonSchema } from '../flashcards/card-content';
import { getOrCreateDeck } from '../flashcards/decks';
import { parseVocabulary } from '../flashcards/parse-vocabulary';
import type { LlmAttempt } from '../llm/attempt-recorder';
import { cardSchema } from '../llm/card-schema';
import { LLM_CONNECTION_ID, requireLlmConfig, resolveLlmConfig } from '../llm/llm-config';
import type { ConnectionSource } from '../store/connections';
import type { SqlClient } from '../store/database';
import { insertLlmAttempt, llmAttemptInsert } from '../store/llm-attempts';
import { selectWeakCards } from '../flashcards/weak-cards';
import { PROMPT_VERSION } from '../llm/card-prompt';
import { readOnly, type Service } from './services';

const PrepareDeck = z.object({
  deckName: z.string(),
  vocabulary: z.string(),
  level: z.string().nullish(),
  notes: z.string().nullish(),
});
const CardRef = z.object({ cardId: z.number().int().positive() });
const MarkFailed = CardRef.extend({ reasons: z.array(FailureReasonSchema).min(1) });
const RecordAttempt = z.object({
  deckId: z.number().int().nullable(),
  attempt: z.custom<LlmAttempt>((v) => typeof v === 'object' && v !== null),
  /** For a valid attempt: save its card too, in the same statement. */
  saveAs: z.object({ cardId: z.number().int().positive(), promptVersion: z.string().min(1) }).nullish(),
});
const WeakCards = z.object({ minLapses: z.number().int().min(1), limit: z.number().int().min(1).max(5000), model: z.string().min(1).nullish() });
const DeckReport = z.object({ deckId: z.number().int().positive().nullable(), cardIds: z.array(z.number().int()) });

export interface FlashcardServiceDeps {
  sql: SqlClient;
  now: () => Date;
  connections: ConnectionSource;
  llmEnv: { OPENAI_BASE_URL?: string; OPENAI_API_KEY?: string; FLASHFLOW_LLM_MODEL?: string };
}

export function flashcardServices(deps: FlashcardServiceDeps): Record<string, Service> {
  const { sql, now } = deps;
  return {
    /** Parses the pasted vocabulary, creates the deck and a pending card per new word; returns what to generate. */
    'flashcards.prepareDeck': async (job, payload) => {
      const p = PrepareDeck.parse(payload);
      const vocabulary = parseVocabulary(p.vocabulary);
      return sql.transaction(async (tx) => {
        const { deck } = await getOrCreateDeck(tx, { name: p.deckName, level: p.level ?? null, description: p.notes ?? null }, now());
        const added = await addPendingCards(tx, deck.id, vocabulary.entries, now());
        return {
          deckId: deck.id,
          words: added.cards.map((c) => ({ cardId: c.id, word: c.word, hint: c.hint, deckId: deck.id })),
          skipped: added.skipped.map((s) => s.word),
          duplicates: vocabulary.duplicates,
        };
      });
    },
    /**
     * Whether a card already passed, and which run last wrote it (memoization: a retried or resumed task
     * never pays for a word twice; the regeneration DAG compares the run).
     */
    'flashcards.cardStatus': readOnly(async (_job, payload) => {
      const card = await getCard(sql, CardRef.parse(payload).cardId);
      return { status: card.status, content: card.status === 'valid' ? card.content : null, sourceRunId: card.source?.runId ?? null };
    }),
    /** Cards the weekly regeneration should redo, judged against the current prompt and model. */
    'flashcards.weakCards': readOnly(async (_job, payload) => {
      const p = WeakCards.parse(payload);
      // Without a provider there is no current model to call older ones outdated; the cards picked for
      // other reasons then fail in regenerate_card with the message that says how to configure one.
      const config = resolveLlmConfig({ connection: await deps.connections.get(LLM_CONNECTION_ID), env: deps.llmEnv });
      const model = p.model ?? (config.ok ? config.config.model : null);
      const weak = await selectWeakCards(sql, { promptVersion: PROMPT_VERSION, model, minLapses: p.minLapses, limit: p.limit });
      return weak.map((w) => ({ cardId: w.card.id, word: w.card.word, hint: w.card.hint, deckId: w.card.deckId, reasons: w.reasons }));
    }),
    'flashcards.markFailed': async (_job, payload) => {
      const p = MarkFailed.parse(payload);
      const card = await markCardFailed(sql, p.cardId, p.reasons, now());
      return { cardId: card.id, status: card.status };
    },
    'flashcards.deckReport': readOnly(async (_job, payload) => {
      const p = DeckReport.parse(payload);
      const rows = await sql.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM card WHERE ($1::int IS NULL OR deck_id = $1) AND id = ANY($2::int[]) GROUP BY status`,
        [p.deckId, p.cardIds],
      );
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    }),
    /**
     * The provider configuration: connection `llm_default` if it exists, else the OPENAI_* variables. Runners
     * keep the answer a few seconds (card-generation-task.ts), so this is read rarely.
     */
    'llm.config': readOnly(async () =>
      requireLlmConfig({ connection: await deps.connections.get(LLM_CONNECTION_ID), env: deps.llmEnv }),
    ),
    /**
     * Resolves only once the row is written, so no attempt is lost to a crash right after the call. A valid
     * attempt's card is saved in the same statement: a word is never recorded valid without its card.
     */
    'llm.recordAttempt': async (job, payload) => {
      const p = RecordAttempt.parse(payload);
      const origin = { dagId: job.dagId, runId: job.runId, taskId: job.taskId, mapIndex: job.mapIndex, tryNumber: job.tryNumber, deckId: p.deckId };
      const saveAs = p.saveAs && p.attempt.valid ? p.saveAs : null;
      if (!saveAs) return { id: await insertLlmAttempt(sql, origin, p.attempt) };
      const card = cardSchema.parse(p.attempt.parsed);
      const meta = { promptVersion: saveAs.promptVersion, model: p.attempt.model, source: { dagId: job.dagId, runId: job.runId, mapIndex: job.mapIndex } };
      // One statement rather than a transaction: a word's hot path pays per statement on the embedded database.
      const [row] = await saveGeneratedCardWith<{ id: number }>(sql, saveAs.cardId, card, meta, now(), (saved, first) =>
        llmAttemptInsert(origin, p.attempt, first, saved),
      );
      return { id: row!.id, saved: saveAs.cardId };
    },
  };
}
