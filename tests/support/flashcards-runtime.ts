// A test file's engine for the real flashcard workflows: the runtime on workflows/ against a scriptable fake
// OpenAI server that answers sample cards, except for the words a test adds to `alwaysTooLong`.
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { answerSampleCards } from './fake-card-answers';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './fake-openai-server';
import { startTestRuntime } from './runtime-harness';

const WORKFLOWS = path.resolve(import.meta.dirname, '../../workflows');

export interface FlashcardsRuntime {
  readonly rt: Runtime;
  readonly fake: FakeOpenAiServer;
  /** Words the fake answers with an over-long example, every time. */
  readonly alwaysTooLong: Set<string>;
}

/** Starts the runtime and the fake before the file's tests and stops them after. */
export function useFlashcardsRuntime(): FlashcardsRuntime {
  let rt: Runtime | undefined;
  let fake: FakeOpenAiServer | undefined;
  const alwaysTooLong = new Set<string>();
  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
    fake.otherwise(answerSampleCards(alwaysTooLong));
    rt = await startTestRuntime(WORKFLOWS, { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test', FLASHFLOW_LLM_MODEL: 'fake-model' });
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
    await fake?.close();
  });
  return {
    get rt() {
      if (!rt) throw new Error('the flashcards runtime is not started yet (use it inside tests)');
      return rt;
    },
    get fake() {
      if (!fake) throw new Error('the fake OpenAI server is not started yet (use it inside tests)');
      return fake;
    },
    alwaysTooLong,
  };
}
