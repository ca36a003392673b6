// The deck page's "Retry" on a failed word (lib/flashcards/retry-word.ts, behind the server action in
// app/decks/[deckId]/actions.ts) on the real engine: the word's mapped instance and the tasks after it are cleared,
// the scheduler runs the word again, and the run ends in success with the card saved. Other words are left alone.
import { describe, expect, it } from 'vitest';
import { retryFailedWord } from '../../lib/flashcards/retry-word';
import { reply } from '../support/fake-openai-server';
import { answerSampleCards } from '../support/fake-card-answers';
import { taskError, trigger, waitForRun } from '../support/runtime-harness';
import { useFlashcardsRuntime } from '../support/flashcards-runtime';

const DAG = 'french_flashcards';

const env = useFlashcardsRuntime();
const { alwaysTooLong } = env;

const generateStates = (runId: string) =>
  env.rt.db.sql.query<{ map_index: number; state: string }>(
    `SELECT map_index, state FROM task_instance WHERE run_id = $1 AND task_id = 'generate_card' ORDER BY map_index`,
    [runId],
  );

async function waitForStates(runId: string, done: (s: Array<{ map_index: number; state: string }>) => boolean) {
  const deadline = Date.now() + 15_000;
  let states = await generateStates(runId);
  while (!done(states) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    states = await generateStates(runId);
  }
  return states;
}

describe('retryFailedWord', () => {
  it('runs one failed word again and the run ends in success with its card saved', async () => {
    alwaysTooLong.add('voiture');
    const runId = await trigger(env.rt, DAG, { conf: { deck_name: 'Retry deck', vocabulary: 'voiture\nchat', max_reasks: 1 } });
    // The word spends its re-ask budget and fails for good: task retries are for provider errors only.
    const now = () => new Date();
    expect(await waitForRun(env.rt, DAG, runId)).toBe('failed');

    // A word that succeeded, a word that does not exist and nonsense are refused without touching anything.
    expect(await retryFailedWord(env.rt.db.sql, { runId, mapIndex: 1 }, { now: now(), actor: 'tester' })).toEqual({
      ok: false, reason: 'not_failed', message: 'This word already has its card.',
    });
    expect(await retryFailedWord(env.rt.db.sql, { runId, mapIndex: 7 }, { now: now(), actor: 'tester' })).toMatchObject({ ok: false, reason: 'not_found' });
    expect(await retryFailedWord(env.rt.db.sql, { runId, mapIndex: -1 }, { now: now(), actor: 'tester' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await generateStates(runId)).toEqual([{ map_index: 0, state: 'failed' }, { map_index: 1, state: 'success' }]);

    alwaysTooLong.delete('voiture');
    const callsBefore = env.fake.calls;
    const result = await retryFailedWord(env.rt.db.sql, { runId, mapIndex: 0 }, { now: now(), actor: 'tester' });
    expect(result.ok).toBe(true);
    // Only this word's instance and the tasks after it were cleared; 'chat' keeps its success.
    expect(result.ok && result.cleared.map((t) => `${t.task_id}[${t.map_index}]`).sort()).toEqual(['generate_card[0]', 'report[-1]', 'save_deck[-1]']);
    const [run] = await env.rt.db.sql.query<{ state: string }>(`SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2`, [DAG, runId]);
    expect(run!.state).not.toBe('failed');
    env.rt.scheduler.wake();

    expect(await waitForRun(env.rt, DAG, runId)).toBe('success');
    expect(await generateStates(runId)).toEqual([{ map_index: 0, state: 'success' }, { map_index: 1, state: 'success' }]);
    // voiture once (a clear by hand starts its budget afresh); chat was not asked again.
    expect(env.fake.calls - callsBefore).toBe(1);
    const cards = await env.rt.db.sql.query<{ word: string; status: string }>(
      `SELECT c.word, c.status FROM card c JOIN deck d ON d.id = c.deck_id WHERE d.name = 'Retry deck' ORDER BY c.word`,
    );
    expect(cards).toEqual([{ word: 'chat', status: 'valid' }, { word: 'voiture', status: 'valid' }]);
    const events = await env.rt.db.sql.query<{ owner: string; map_index: number }>(
      `SELECT owner, map_index FROM log WHERE event = 'ui.retry_word' AND run_id = $1`,
      [runId],
    );
    expect(events).toEqual([{ owner: 'tester', map_index: 0 }]);
  });

  it('retries a word after a provider error and spends only what is left of its re-ask budget', async () => {
    const callsBefore = env.fake.calls;
    alwaysTooLong.add('voiture');
    // Try 1: an over-long answer, then a 429 too long to wait for inside the call, which fails the try retriably.
    env.fake.script(answerSampleCards(new Set(['voiture'])), reply.rateLimited(120));
    const runId = await trigger(env.rt, DAG, { conf: { deck_name: 'Budget deck', vocabulary: 'voiture', max_reasks: 2 } });
    expect(await waitForStates(runId, (s) => s[0]?.state === 'up_for_retry')).toEqual([{ map_index: 0, state: 'up_for_retry' }]);
    // The DAG waits 10 s before a retry; a test has no use for the wait.
    await env.rt.db.sql.query(`UPDATE task_instance SET next_retry_at = now() WHERE run_id = $1 AND task_id = 'generate_card'`, [runId]);
    env.rt.scheduler.wake();
    expect(await waitForRun(env.rt, DAG, runId)).toBe('failed');
    // Three answers in all (max_reasks + 1) and the 429: try 2 asked twice, not three times, and was not retried.
    expect(env.fake.calls - callsBefore).toBe(4);
    const rows = await env.rt.db.sql.query<{ try_number: number; attempt: number; reason_codes: string[] }>(
      `SELECT try_number, attempt, reason_codes FROM llm_attempt WHERE run_id = $1 ORDER BY try_number, attempt`, [runId]);
    expect(rows.map((r) => [r.try_number, r.attempt, r.reason_codes[0]])).toEqual([
      [1, 1, 'example_too_long'], [1, 2, 'rate_limited'], [2, 1, 'example_too_long'], [2, 2, 'example_too_long'],
    ]);
    const [ti] = await generateStates(runId);
    expect(ti).toEqual({ map_index: 0, state: 'failed' });
    expect(await taskError(env.rt, DAG, runId, 'generate_card')).toMatch(/^NonRetriableError: 'voiture': No valid card for 'voiture' after 3 attempts: /);
  });
});
