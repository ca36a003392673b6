import { describe, expect, it } from 'vitest';
import { trigger, waitForRun } from '../support/runtime-harness';
import { useFlashcardsRuntime } from '../support/flashcards-runtime';


const env = useFlashcardsRuntime();
const { alwaysTooLong } = env;

const attempts = (runId: string) =>
  env.rt.db.sql.query<{ word: string; attempt: number; valid: boolean; reason_codes: string[]; example_length: number; model: string }>(
    `SELECT word, attempt, valid, reason_codes, example_length, model FROM llm_attempt WHERE run_id = $1 ORDER BY word, attempt`,
    [runId],
  );

describe('the french_flashcards DAG against an OpenAI-compatible server', () => {
  it('turns pasted vocabulary into a deck of valid cards, re-asking when an example is too long', async () => {
    const runId = await trigger(env.rt, 'french_flashcards', {
      conf: { deck_name: 'Amélie', vocabulary: 'chat\npomme ; fruit\n\n  bibliothèque \nChat\n' },
    });
    expect(await waitForRun(env.rt, 'french_flashcards', runId)).toBe('success');
    const cards = await env.rt.db.sql.query<{ word: string; status: string; french_example: string; hint: string | null }>(
      `SELECT c.word, c.status, c.french_example, c.hint FROM card c JOIN deck d ON d.id = c.deck_id WHERE d.name = 'Amélie' ORDER BY c.word`,
    );
    expect(cards).toEqual([
      { word: 'bibliothèque', status: 'valid', french_example: 'La bibliothèque.', hint: null },
      { word: 'chat', status: 'valid', french_example: 'Le chat dort.', hint: null },
      { word: 'pomme', status: 'valid', french_example: 'Une pomme rouge.', hint: 'fruit' },
    ]);
    const rows = await attempts(runId);
    expect(rows.map((a) => [a.word, a.attempt, a.valid, a.reason_codes])).toEqual([
      ['bibliothèque', 1, false, ['example_too_long']],
      ['bibliothèque', 2, true, []],
      ['chat', 1, true, []],
      ['pomme', 1, true, []],
    ]);
    expect(rows[0]!.example_length).toBeGreaterThanOrEqual(20);
    expect(rows.every((a) => a.model === 'fake-model')).toBe(true);
    const [reportXcom] = await env.rt.db.sql.query<{ value: string }>(`SELECT value FROM xcom WHERE run_id = $1 AND task_id = 'report'`, [runId]);
    expect(reportXcom!.value).toBe("deck 'Amélie': 3 valid, 0 failed, 0 pending");
    // The run recorded which cards it lists, each at the map index of the generate_card instance that made it.
    const links = await env.rt.db.sql.query<{ word: string; run_id: string; map_index: number; source_map_index: number }>(
      `SELECT c.word, r.run_id, c.map_index, c.source_map_index FROM card c JOIN dag_run r ON r.id = c.dag_run_id ORDER BY c.map_index`,
    );
    expect(links).toEqual([
      { word: 'chat', run_id: runId, map_index: 0, source_map_index: 0 },
      { word: 'pomme', run_id: runId, map_index: 1, source_map_index: 1 },
      { word: 'bibliothèque', run_id: runId, map_index: 2, source_map_index: 2 },
    ]);
  });

  it('never asks the model again for words the deck already has a valid card for', async () => {
    const before = env.fake.calls;
    const runId = await trigger(env.rt, 'french_flashcards', { conf: { deck_name: 'Amélie', vocabulary: 'chat\npomme' } });
    expect(await waitForRun(env.rt, 'french_flashcards', runId)).toBe('success');
    expect(env.fake.calls).toBe(before);
  });

  it('fails a word the model keeps answering too long after exactly max_reasks + 1 calls, without a task retry', async () => {
    alwaysTooLong.add('voiture');
    const before = env.fake.calls;
    const runId = await trigger(env.rt, 'french_flashcards', { conf: { deck_name: 'Cars', vocabulary: 'voiture\nchat', max_reasks: 2 } });
    expect(await waitForRun(env.rt, 'french_flashcards', runId)).toBe('failed');
    // One budget per word: 3 answers for voiture, 1 for chat, and no second try (the DAG's retries are 2).
    expect(env.fake.calls - before).toBe(4);
    const words = await env.rt.db.sql.query<{ map_index: number; state: string; try_number: number; last_error: string }>(
      `SELECT map_index, state, try_number, last_error FROM task_instance WHERE run_id = $1 AND task_id = 'generate_card' ORDER BY map_index`, [runId]);
    expect(words.map((w) => [w.map_index, w.state, w.try_number])).toEqual([[0, 'failed', 1], [1, 'success', 1]]);
    expect(words[0]!.last_error).toMatch(/^NonRetriableError: 'voiture': No valid card for 'voiture' after 3 attempts: your french_example .* has \d+ characters/);
    const [reportXcom] = await env.rt.db.sql.query<{ value: string }>(`SELECT value FROM xcom WHERE run_id = $1 AND task_id = 'report'`, [runId]);
    expect(reportXcom!.value).toBe("deck 'Cars': 1 valid, 1 failed, 0 pending");
    const rows = (await attempts(runId)).filter((a) => a.word === 'voiture');
    expect(rows.map((a) => [a.attempt, a.valid, a.reason_codes])).toEqual([1, 2, 3].map((n) => [n, false, ['example_too_long']]));
    const [card] = await env.rt.db.sql.query<{ status: string; failure_reasons: Array<{ code: string }> }>(
      `SELECT status, failure_reasons FROM card WHERE word = 'voiture'`);
    expect(card!.status).toBe('failed');
    expect(card!.failure_reasons.map((r) => r.code)).toEqual(['example_too_long']);
  });

  it('refuses empty vocabulary at trigger time with a clear error, creating no run and making no LLM call', async () => {
    const before = env.fake.calls;
    const runsBefore = await env.rt.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM dag_run WHERE dag_id = 'french_flashcards'`);
    await expect(trigger(env.rt, 'french_flashcards', { conf: { deck_name: 'Empty', vocabulary: '\n  \n# just a comment\n' } }))
      .rejects.toThrow(/conf\.vocabulary: The vocabulary has no words/);
    const runsAfter = await env.rt.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM dag_run WHERE dag_id = 'french_flashcards'`);
    expect(runsAfter[0]!.n).toBe(runsBefore[0]!.n);
    expect(env.fake.calls).toBe(before);
  });
});

describe('the weekly flashcard_regeneration DAG', () => {
  it('regenerates failed, flagged and outdated cards, keeping their review history', async () => {
    alwaysTooLong.clear();
    const { flagCard } = await import('../../lib/flashcards/cards');
    const { gradeCard } = await import('../../lib/flashcards/review');
    const ids = Object.fromEntries((await env.rt.db.sql.query<{ word: string; id: number }>(`SELECT word, id FROM card`)).map((r) => [r.word, r.id]));
    await gradeCard(env.rt.db.sql, ids.chat!, 3, new Date());
    await flagCard(env.rt.db.sql, ids.chat!, 'the example is not idiomatic', new Date());
    await env.rt.db.sql.query(`UPDATE card SET prompt_version = 'an-older-prompt' WHERE id = $1`, [ids.pomme]);

    // A script from before decks had their own limit still passes max_example_chars; it can only tighten the deck's.
    const runId = await trigger(env.rt, 'flashcard_regeneration', { conf: { max_example_chars: 20 } });
    expect(await waitForRun(env.rt, 'flashcard_regeneration', runId)).toBe('success');
    const [report] = await env.rt.db.sql.query<{ value: { selected: number; regenerated: number; words: string[] } }>(
      `SELECT value FROM xcom WHERE run_id = $1 AND task_id = 'report'`, [runId]);
    expect(report!.value.words.sort()).toEqual(['chat', 'pomme', 'voiture']);
    const chat = await env.rt.db.sql.query<{ version: number; flagged_at: Date | null; reviews: number }>(
      `SELECT c.version, c.flagged_at, (SELECT count(*)::int FROM review_log r WHERE r.card_id = c.id) AS reviews FROM card c WHERE c.id = $1`, [ids.chat]);
    expect(chat).toEqual([{ version: 2, flagged_at: null, reviews: 1 }]);
    const versions = await env.rt.db.sql.query(`SELECT version, replaced_by FROM card_version WHERE card_id = $1`, [ids.chat]);
    expect(versions).toEqual([{ version: 1, replaced_by: 'regeneration' }]);
  });
});
