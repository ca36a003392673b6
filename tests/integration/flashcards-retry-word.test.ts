// The deck page's "Retry" on a failed word (lib/flashcards/retry-word.ts, behind the server action in
// app/decks/[deckId]/actions.ts) on the real engine: the word's mapped instance and the tasks after it are cleared,
// the scheduler runs the word again, and the run ends in success with the card saved. Other words are left alone.
import { describe, expect, it } from 'vitest';
import { retryFailedWord } from '../../lib/flashcards/retry-word';
import { markTaskInstances } from '../../lib/store/task-actions';
import { trigger, waitForRun } from '../support/runtime-harness';
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
    // The word exhausts its re-asks and waits for its task retry; failing it now stands for the retries running out.
    const waiting = await waitForStates(runId, (s) => s.length === 2 && s.every((t) => t.state === 'success' || t.state === 'up_for_retry'));
    expect(waiting).toEqual([{ map_index: 0, state: 'up_for_retry' }, { map_index: 1, state: 'success' }]);
    const now = () => new Date();
    expect(await retryFailedWord(env.rt.db.sql, { runId, mapIndex: 0 }, { now: now(), actor: 'tester' })).toMatchObject({ ok: false, reason: 'not_failed' });
    await markTaskInstances(env.rt.db.sql, { dagId: DAG, runId, taskIds: ['generate_card'], mapIndexes: [0] }, 'failed', now());
    env.rt.scheduler.wake();
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
    expect(env.fake.calls - callsBefore).toBe(1); // voiture once; chat was not asked again
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
});
