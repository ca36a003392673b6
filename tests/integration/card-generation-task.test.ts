// The generate_card task body with the real `openai` client against the fake server, and a task context that
// records the service calls it makes: when it looks a word up before paying for it, and how often it asks for the
// provider configuration.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskContext } from '../../lib/engine/task-context';
import type { generateCardTask as GenerateCardTask, WordToGenerate } from '../../lib/flashcards/card-generation-task';
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

function contextFor(tryNumber: number, services: Services): TaskContext {
  return {
    dagId: 'french_flashcards', runId: 'r', taskId: 'generate_card', mapIndex: 0, tryNumber, maxTries: 3,
    logicalDate: new Date(0), dataIntervalStart: new Date(0), dataIntervalEnd: new Date(0), params: {}, item: WORD, upstream: {},
    log: { info: () => {}, warn: () => {}, error: () => {} },
    signal: new AbortController().signal,
    call: async <T>(method: string) => {
      services.calls.push(method);
      if (method === 'llm.config') return services.config() as T;
      if (method === 'flashcards.cardStatus') {
        return { status: services.cardStatus, content: services.cardStatus === 'valid' ? cardFor('chat') : null, sourceRunId: 'r' } as T;
      }
      return {} as T;
    },
    xcomPull: async () => null,
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
