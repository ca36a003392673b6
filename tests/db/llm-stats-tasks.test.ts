// The LLM dashboard beside general LLM tasks: a cv_extraction attempt (askLlm, max_chars 0, no deck) is found by DAG
// and task, and the page's default view (no DAG or task chosen) keeps the flashcard figures as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDashboardFilter } from '../../app/dashboard/dashboard-filter';
import type { LlmAttempt } from '../../lib/llm/attempt-recorder';
import type { Database } from '../../lib/store/database';
import { insertLlmAttempt } from '../../lib/store/llm-attempts';
import { llmStats } from '../../lib/store/llm-stats-aggregate';
import { listLlmAttempts, llmFilterOptions } from '../../lib/store/llm-stats-queries';
import { createTestDb } from '../support/test-db';

let db: Database;

function attempt(word: string, n: number, valid: boolean, card: boolean): LlmAttempt {
  return {
    word, hint: null, attempt: n, model: 'fake-model', provider: '127.0.0.1', promptVersion: card ? 'cards1' : 'cv1', strategy: 'json_schema',
    requestMessages: [{ role: 'user', content: word }], rawResponse: '{}', parsed: {}, valid,
    reasonCodes: valid ? [] : [card ? 'example_too_long' : 'validation_failed'], problems: [],
    exampleLength: card ? 12 : null, translationLength: card ? 11 : null, maxChars: card ? 20 : 0,
    latencyMs: 10, promptTokens: 100, completionTokens: 20, requests: 1, finishReason: 'stop', error: null,
    createdAt: new Date(Date.UTC(2026, 4, 1, 12, n)).toISOString(),
  };
}

beforeAll(async () => {
  db = await createTestDb();
  const card = { dagId: 'french_flashcards', runId: 'run_cards', taskId: 'generate_card', tryNumber: 1, deckId: 1 };
  await insertLlmAttempt(db.sql, { ...card, mapIndex: 0 }, attempt('chat', 1, true, true));
  await insertLlmAttempt(db.sql, { ...card, mapIndex: 1 }, attempt('pomme', 1, false, true));
  await insertLlmAttempt(db.sql, { ...card, mapIndex: 1 }, attempt('pomme', 2, true, true));
  const cv = { dagId: 'cv_extraction', runId: 'run_cv', taskId: 'extract_cv', mapIndex: -1, tryNumber: 1, deckId: null };
  await insertLlmAttempt(db.sql, cv, attempt('cv', 1, false, false));
  await insertLlmAttempt(db.sql, cv, attempt('cv', 2, true, false));
}, 30_000);

afterAll(async () => {
  await db?.close();
});

describe('the LLM dashboard with general LLM tasks', () => {
  it('keeps the flashcard figures by default: no DAG or task chosen means the card attempts only', async () => {
    const { filter } = parseDashboardFilter({});
    const stats = await llmStats(db.sql, filter);
    expect(stats.attempts).toMatchObject({ total: 3, valid: 2 });
    expect(stats.words).toMatchObject({ attempted: 2, first_attempt_valid: 1, final_valid: 2 });
    expect(stats.max_chars).toBe(20);
    expect(stats.reasons_total).toEqual([{ reason: 'example_too_long', count: 1 }]);
  });

  it('filters any LLM task by DAG and by task, and every task at once with DAG *', async () => {
    for (const search of [{ dag_id: 'cv_extraction' }, { task_id: 'extract_cv' }]) {
      const stats = await llmStats(db.sql, parseDashboardFilter(search).filter);
      expect(stats.attempts).toMatchObject({ total: 2, valid: 1 });
      expect(stats.words).toMatchObject({ attempted: 1, first_attempt_valid: 0, final_valid: 1 });
      expect(stats.reasons_total).toEqual([{ reason: 'validation_failed', count: 1 }]);
    }
    expect((await llmStats(db.sql, parseDashboardFilter({ dag_id: '*' }).filter)).attempts.total).toBe(5);
    const listed = await listLlmAttempts(db.sql, { taskId: 'extract_cv', limit: 10, offset: 0 });
    expect(listed.attempts.map((a) => [a.dagId, a.taskId, a.attempt, a.maxChars])).toEqual([['cv_extraction', 'extract_cv', 2, 0], ['cv_extraction', 'extract_cv', 1, 0]]);
  });

  it('offers every task that asked an LLM, by DAG', async () => {
    expect((await llmFilterOptions(db.sql)).tasks).toEqual([
      { dagId: 'cv_extraction', taskId: 'extract_cv' },
      { dagId: 'french_flashcards', taskId: 'generate_card' },
    ]);
  });
});
