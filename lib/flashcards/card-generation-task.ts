// The body of a mapped "generate one card" task, shared by french_flashcards and flashcard_regeneration.
// It runs in a task runner: everything that touches the database goes through ctx.call services.
import { NonRetriableError, type TaskContext } from '../engine/task-context';
import { PROMPT_VERSION } from '../llm/card-prompt';
import type { Card } from '../llm/card-schema';
import { generateCard } from '../llm/generate-card';
import type { LlmProviderConfig } from '../llm/llm-config';
import type { LlmClient } from '../llm/llm-client-port';
import { createOpenAiChatClient } from '../llm/openai-chat-client';
import { providerConfig } from './provider-config';

export interface WordToGenerate {
  cardId: number;
  word: string;
  hint: string | null;
  deckId: number;
}

export interface GenerationSettings {
  maxChars: number;
  maxReasks: number;
  model?: string;
  /** Also ask the endpoint to enforce the length while decoding (a bounded `pattern` in the JSON schema). */
  decodeConstraint?: boolean;
}

export interface CardStatusAnswer {
  status: string;
  content: Card | null;
  sourceRunId: string | null;
}

// One client per configuration and runner process: it keeps its HTTP connections alive across tasks
// and remembers what structured output the endpoint supports.
const clients = new Map<string, LlmClient>();

function clientFor(config: LlmProviderConfig): LlmClient {
  const key = JSON.stringify(config);
  let client = clients.get(key);
  if (!client) {
    // console output in a runner is attributed to the try that is running (AsyncLocalStorage), so a retry
    // warning lands in the log of the word it concerns even with a shared client.
    client = createOpenAiChatClient(config, { log: { warn: (message) => console.warn(message) } });
    clients.set(key, client);
  }
  return client;
}

/**
 * Whether a word must be looked up before it is sent, because an earlier try of it may have saved its card.
 * Try 1 comes straight from the step that listed the words, which left out every card that was already valid. A
 * later try is a retry, a cleared word, or a try resumed after a crash: the engine records a try as started
 * before any of its service calls changes anything (ADR 0018), so a try that saved a card is never requeued under
 * the same number; after a crash it fails as lost and comes back as the next try, which looks.
 */
function mayHaveRunBefore(ctx: TaskContext): boolean {
  return ctx.tryNumber > 1;
}

/**
 * `isDone` says whether the card needs no call (memoization across retries and restarts). A word that
 * cannot be made valid marks the card failed and fails the try: retriably unless asking again cannot help.
 */
export async function generateCardTask(
  ctx: TaskContext,
  item: WordToGenerate,
  settings: GenerationSettings,
  isDone: (status: CardStatusAnswer) => boolean,
): Promise<{ cardId: number; word: string; status: string; attempts?: number; reused?: boolean }> {
  // Both answers are needed before the model is asked: ask at once, so a word costs at most one round trip.
  const [status, config] = await Promise.allSettled([
    mayHaveRunBefore(ctx) ? ctx.call<CardStatusAnswer>('flashcards.cardStatus', { cardId: item.cardId }) : null,
    providerConfig(ctx),
  ]);
  if (status.status === 'rejected') throw status.reason;
  if (status.value && isDone(status.value)) {
    ctx.log.info(`'${item.word}' needs no new card; not asking the model again`);
    return { cardId: item.cardId, word: item.word, status: status.value.status, reused: true };
  }
  if (config.status === 'rejected') throw config.reason;
  const client = clientFor(settings.model ? { ...config.value, model: settings.model } : config.value);
  const result = await generateCard(item.word, item.hint, {
    client,
    // A valid attempt is recorded and saved as the card in one call (one transaction on the server).
    recorder: {
      record: async (attempt) => {
        const saveAs = attempt.valid ? { cardId: item.cardId, promptVersion: PROMPT_VERSION } : null;
        await ctx.call('llm.recordAttempt', { deckId: item.deckId, attempt, saveAs });
      },
    },
    maxChars: settings.maxChars,
    maxReasks: settings.maxReasks,
    decodeConstraint: settings.decodeConstraint ?? false,
    signal: ctx.signal,
  });
  if (result.ok) {
    ctx.log.info(`'${item.word}' → ${result.card.french_example} / ${result.card.english_translation} (${result.attempts.length} attempt(s))`);
    return { cardId: item.cardId, word: item.word, status: 'valid', attempts: result.attempts.length };
  }
  await ctx.call('flashcards.markFailed', { cardId: item.cardId, reasons: result.problems.map((p) => ({ code: p.code, message: p.message })) });
  const message = `'${item.word}': ${result.message}`;
  throw result.retriable ? new Error(message) : new NonRetriableError(message);
}
