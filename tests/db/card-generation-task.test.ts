// The generate_card task body with the real `openai` client against the fake server, and a task context that
// records the service calls it makes: when it looks a word up before paying for it, and how often it asks for the
// provider configuration.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServiceClients } from '../../lib/engine/service-contract';
import type { TaskServices } from '../../lib/engine/task-context';
import type { generateCardTask as GenerateCardTask } from '../../lib/flashcards/card-generation-task';
import type { WordToGenerate } from '../../lib/flashcards/service-contracts';
import { serviceRegistry } from '../../lib/sdk/service-registry';
import { requireLlmConfig } from '../../lib/llm/llm-config';
import { cardFor, scriptedCards } from '../support/fake-card-answers';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';

const WORD: WordToGenerate = { cardId: 7, word: 'chat', hint: null, deckId: 1 };
const SETTINGS = { maxChars: 20, maxReasks: 1 };

let fake: FakeOpenAiServer;
let generateCardTask: typeof GenerateCardTask;
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});
afterAll(() => fake.close());
beforeEach(async () => {
  fake.reset();
  fake.otherwise(scriptedCards(['chat']));
  // The runner-wide configuration cache starts empty in every test.
  vi.resetModules();
  ({ generateCardTask } = await import('../../lib/flashcards/card-generation-task'));
});

interface Services {
  calls: string[];
  config: () => unknown;
  cardStatus: string;
}

/** The part of ctx the task body uses, with real service clients (so every answer is checked against its contract). */
function contextFor(tryNumber: number, services: Services): Parameters<typeof GenerateCardTask>[0] {
  const answers: Record<string, () => unknown> = {
    'llm.config': () => services.config(),
    'flashcards.cardStatus': () => ({ status: services.cardStatus, content: services.cardStatus === 'valid' ? cardFor('chat') : null, sourceRunId: 'r' }),
    'llm.recordAttempt': () => ({ id: services.calls.length }),
    'flashcards.markFailed': () => ({ cardId: WORD.cardId, status: 'failed' }),
  };
  return {
    tryNumber,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    signal: new AbortController().signal,
    services: createServiceClients(serviceRegistry, async (method) => {
      services.calls.push(method);
      return answers[method]!();
    }) as TaskServices,
  };
}

const services = (cardStatus = 'pending'): Services => ({
  calls: [],
  config: () => requireLlmConfig({ env: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test', FLASHFLOW_LLM_MODEL: 'fake-model' } }),
  cardStatus,
});
const isValid = (s: { status: string }) => s.status === 'valid';

describe('generateCardTask', () => {
  it('sends a word on its first try without looking it up: the listing step left out valid cards', async () => {
    const s = services();
    const result = await generateCardTask(contextFor(1, s), WORD, SETTINGS, isValid);
    expect(result).toMatchObject({ status: 'valid', attempts: 1 });
    expect(s.calls).toEqual(['llm.config', 'llm.recordAttempt']);
    expect(fake.calls).toBe(1);
  });

  it('looks a word up on a later try and does not pay for a card an earlier try saved', async () => {
    const s = services('valid');
    const result = await generateCardTask(contextFor(2, s), WORD, SETTINGS, isValid);
    expect(result).toMatchObject({ status: 'valid', reused: true });
    expect(s.calls).toContain('flashcards.cardStatus');
    expect(s.calls).not.toContain('llm.recordAttempt');
    expect(fake.calls).toBe(0);
  });

  it('shares the provider configuration between the words a runner runs, but never keeps a failure', async () => {
    const s = services();
    const missing = s.config;
    let fail = true;
    s.config = () => {
      if (fail) throw new Error('no LLM provider is configured');
      return missing();
    };
    await expect(generateCardTask(contextFor(1, s), WORD, SETTINGS, isValid)).rejects.toThrow('no LLM provider is configured');
    fail = false;
    for (let i = 0; i < 3; i++) await generateCardTask(contextFor(1, s), WORD, SETTINGS, isValid);
    expect(s.calls.filter((c) => c === 'llm.config')).toHaveLength(2);
    expect(fake.calls).toBe(3);
  });

  it('keeps using a configuration past its freshness while a new one is fetched, so no word waits for it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const s = services();
      const first = s.config;
      const models: string[] = [];
      let model = 'fake-model';
      s.config = () => ({ ...(first() as object), model });
      const run = async () => {
        await generateCardTask(contextFor(1, s), WORD, SETTINGS, isValid);
        models.push(fake.requests.at(-1)!.body.model as string);
      };
      await run();
      model = 'edited-model';
      vi.advanceTimersByTime(4_000);
      await run(); // still fresh: not asked again
      vi.advanceTimersByTime(2_000);
      await run(); // stale: answered from memory, refreshed meanwhile
      await run();
      expect(models).toEqual(['fake-model', 'fake-model', 'fake-model', 'edited-model']);
      expect(s.calls.filter((c) => c === 'llm.config')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
