// The database side of the flashcard services (service-contracts.ts): task code creates decks, saves cards and
// records LLM attempts through them without ever opening the database.
import type { ServiceImplementations } from '../engine/service-contract';
import type { LlmAttempt } from '../llm/attempt-recorder';
import { PROMPT_VERSION } from '../llm/card-prompt';
import { REASON_CODES, type ReasonCode } from '../llm/reason-codes';
import { LLM_CONNECTION_ID, LlmConfigError, requireLlmConfig, resolveLlmConfig } from '../llm/llm-config';
import type { ConnectionSource } from '../store/connections';
import type { SqlClient } from '../store/database';
import { insertLlmAttempt, llmAttemptInsert, spentBudget } from '../store/llm-attempts';
import { saveGeneratedCardWith } from './card-content-updates';
import type { CardContent } from './card-content';
import { CardRulesError, checkCardContent } from './card-rules';
import { addPendingCards, getCard, listCardsForRun, markCardFailed, runCardRules } from './cards';
import { runMaxChars } from './deck-progress';
import { getDeck, getOrCreateDeck, setDeckMaxChars } from './decks';
import { parseVocabulary } from './parse-vocabulary';
import type { flashcardServiceContracts, llmServiceContracts } from './service-contracts';
import { selectWeakCards } from './weak-cards';

export interface FlashcardServiceDeps {
  sql: SqlClient;
  now: () => Date;
  connections: ConnectionSource;
  llmEnv: { OPENAI_BASE_URL?: string; OPENAI_API_KEY?: string; FLASHFLOW_LLM_MODEL?: string };
}

export interface FlashcardServiceImplementations {
  flashcards: ServiceImplementations<typeof flashcardServiceContracts>;
  llm: ServiceImplementations<typeof llmServiceContracts>;
}

/** A valid attempt the server refused, as stored: invalid, with the codes of the rules it broke under `maxChars`. */
function refusedAttempt(attempt: LlmAttempt, error: CardRulesError, maxChars: number): LlmAttempt {
  // Every code checkCardContent reports is a compliance code; the fallback only keeps the row's CHECKs satisfied.
  const reasonCodes: ReasonCode[] = error.reasonCodes.length > 0 ? [...error.reasonCodes] : ['validation_failed'];
  return { ...attempt, valid: false, reasonCodes, maxChars };
}

const isReasonCode = (code: string): code is ReasonCode => (REASON_CODES as readonly string[]).includes(code);

export function flashcardServices(deps: FlashcardServiceDeps): FlashcardServiceImplementations {
  const { sql, now } = deps;
  return {
    flashcards: {
      prepareDeck: async (job, p) => {
        const vocabulary = parseVocabulary(p.vocabulary);
        return sql.transaction(async (tx) => {
          const deck = p.deckId
            ? await getDeck(tx, p.deckId)
            : (await getOrCreateDeck(tx, { name: p.deckName, level: p.level ?? null, description: p.notes ?? null }, now())).deck;
          // The deck takes the limit of its latest run: the deck page shows it, the weekly regeneration uses it. The
          // server checks each run's cards against that run's own limit (cards.ts runCardRules), not the deck's.
          await setDeckMaxChars(tx, deck.id, await runMaxChars(tx, job));
          const added = await addPendingCards(tx, deck.id, vocabulary.entries, now());
          await listCardsForRun(tx, job, added.cards.map((c) => c.id));
          return {
            deckId: deck.id,
            words: added.cards.map((c) => ({ cardId: c.id, word: c.word, hint: c.hint, deckId: deck.id, version: c.version })),
            skipped: added.skipped.map((s) => s.word),
            duplicates: vocabulary.duplicates,
          };
        });
      },
      cardStatus: async (_job, p) => {
        const card = await getCard(sql, p.cardId);
        return { status: card.status, content: card.status === 'valid' ? card.content : null, sourceRunId: card.source?.runId ?? null };
      },
      weakCards: async (_job, p) => {
        // Without a provider there is no current model to call older ones outdated; the cards picked for
        // other reasons then fail in regenerate_card with the message that says how to configure one.
        const config = resolveLlmConfig({ connection: await deps.connections.get(LLM_CONNECTION_ID), env: deps.llmEnv });
        const model = p.model ?? (config.ok ? config.config.model : null);
        const weak = await selectWeakCards(sql, { promptVersion: PROMPT_VERSION, model, minLapses: p.minLapses, limit: p.limit, now: now() });
        return weak.map((w) => ({
          cardId: w.card.id,
          word: w.card.word,
          hint: w.card.hint,
          deckId: w.card.deckId,
          version: w.card.version,
          reasons: w.reasons,
          maxChars: w.maxChars,
        }));
      },
      markFailed: async (_job, p) => {
        const card = await markCardFailed(sql, p.cardId, p.reasons, now(), { backoff: p.backoff ?? false });
        return { cardId: card.id, status: card.status };
      },
      deckReport: async (_job, p) => {
        const rows = await sql.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM card WHERE ($1::int IS NULL OR deck_id = $1) AND id = ANY($2::int[]) GROUP BY status`,
          [p.deckId, p.cardIds],
        );
        return Object.fromEntries(rows.map((r) => [r.status, r.n]));
      },
    },
    llm: {
      // Runners keep the answer a few seconds (provider-config.ts), so this is read rarely.
      config: async (_job, p) => {
        const connId = p?.connId ?? LLM_CONNECTION_ID;
        const connection = await deps.connections.get(connId);
        if (!connection && connId !== LLM_CONNECTION_ID) {
          throw new LlmConfigError(`Connection '${connId}' does not exist: create it (host = the base URL, password = the API key, extra = {"model": "<model name>"}).`);
        }
        return requireLlmConfig({ connection, env: deps.llmEnv, connId });
      },
      spentBudget: async (job, p) => {
        const spent = await spentBudget(sql, job, p.word);
        // Only answered attempts are counted, so their codes are compliance codes (none for a valid answer).
        return { answered: spent.answered, lastReasons: spent.lastReasons.filter(isReasonCode) };
      },
      recordAttempt: async (job, p) => {
        const origin = { dagId: job.dagId, runId: job.runId, taskId: job.taskId, mapIndex: job.mapIndex, tryNumber: job.tryNumber, deckId: p.deckId };
        const saveAs = p.saveAs && p.attempt.valid ? p.saveAs : null;
        if (!saveAs) return { id: await insertLlmAttempt(sql, origin, p.attempt) };
        // The server re-validates every card it stores (the runner may be another machine): the limit the run
        // generated under, in graphemes after NFC, and the card's word in the example. A refused card is not stored;
        // its attempt is, as invalid with the broken rules' codes: the answer was paid for, and the re-ask budget
        // (spentBudget) counts it.
        const rules = await runCardRules(sql, saveAs.cardId, job);
        let content: CardContent;
        try {
          ({ content } = checkCardContent(p.attempt.parsed, rules, `the card the runner reported valid for '${rules.word}'`));
        } catch (error) {
          if (error instanceof CardRulesError) await insertLlmAttempt(sql, origin, refusedAttempt(p.attempt, error, rules.maxChars));
          throw error;
        }
        const meta = {
          promptVersion: saveAs.promptVersion,
          model: p.attempt.model,
          source: { dagId: job.dagId, runId: job.runId, mapIndex: job.mapIndex },
          baseVersion: saveAs.baseVersion ?? null,
          maxChars: rules.maxChars,
        };
        // One statement rather than a transaction: a word's hot path pays per statement on the embedded database.
        const [row] = await saveGeneratedCardWith<{ id: number }>(sql, saveAs.cardId, content, meta, now(), (saved, first) =>
          llmAttemptInsert(origin, p.attempt, first, saved),
        );
        return { id: row!.id, saved: saveAs.cardId };
      },
    },
  };
}
