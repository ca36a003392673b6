// The shipped flashcard_regeneration DAG from its @weekly schedule on a fake clock, over three weeks, against the
// fake OpenAI server: it generates under the deck's own limit (30 here, not the default 20), leaves out a word too
// long to ever fit, and backs off a word the model keeps failing (skipped the week after, asked again the next).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagCard, addPendingCards, getCard, markCardFailed } from '../../lib/flashcards/cards';
import { saveGeneratedCard } from '../../lib/flashcards/card-content-updates';
import { getOrCreateDeck, setDeckMaxChars } from '../../lib/flashcards/decks';
import { PROMPT_VERSION } from '../../lib/llm/card-prompt';
import regeneration from '../../workflows/flashcard_regeneration';
import { startEngine, type Engine } from '../support/engine-harness';
import { wordOf } from '../support/fake-card-answers';
import { reply, startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';

const WEEK = 7 * 24 * 3600_000;
const IDIOM = 'prendre le taureau par les cornes'; // 33 characters: no example under 30 can hold it
const ANSWERS: Record<string, { french_word: string; french_example: string; english_word: string; english_translation: string }> = {
  // 24 and 26 characters: valid under the deck's 30, refused under the default 20.
  chat: { french_word: 'chat', french_example: 'Le chat dort sur le lit.', english_word: 'cat', english_translation: 'The cat sleeps on the bed.' },
  anticonstitutionnellement: {
    french_word: 'anticonstitutionnellement',
    french_example: 'Anticonstitutionnellement.',
    english_word: 'unconstitutionally',
    english_translation: 'Unconstitutionally.',
  },
  // Always 45 characters: the model never complies for this word.
  pomme: { french_word: 'pomme', french_example: 'Une pomme rouge et bien mûre du grand verger.', english_word: 'apple', english_translation: 'An apple.' },
  [IDIOM]: { french_word: IDIOM, french_example: `${IDIOM}.`, english_word: 'to take the bull by the horns', english_translation: 'To act.' },
};

let fake: FakeOpenAiServer;
let engine: Engine;
const ids: Record<string, number> = {};
const asked: string[] = [];
let seenRuns = 0;

/** Lets the week's scheduled run finish (its model calls are real HTTP), then says what it picked and asked. */
async function nextWeeksRun(): Promise<{ state: string; picked: string[]; asked: string[] }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await engine.settle();
    const runs = await engine.db.sql.query<{ run_id: string; state: string; run_type: string }>(
      `SELECT run_id, state, run_type FROM dag_run WHERE dag_id = 'flashcard_regeneration' ORDER BY logical_date`,
    );
    const last = runs.at(-1);
    if (last && runs.length > seenRuns && ['success', 'failed'].includes(last.state)) {
      seenRuns = runs.length;
      expect(last.run_type).toBe('scheduled');
      const [xcom] = await engine.db.sql.query<{ value: Array<{ word: string }> }>(
        `SELECT value FROM xcom WHERE dag_id = 'flashcard_regeneration' AND run_id = $1 AND task_id = 'select_weak_cards'`,
        [last.run_id],
      );
      return { state: last.state, picked: (xcom?.value ?? []).map((w) => w.word).sort(), asked: asked.splice(0) };
    }
    if (Date.now() > deadline) throw new Error(`no new finished run: ${JSON.stringify(runs)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  fake.otherwise((request) => {
    const word = wordOf(request, Object.keys(ANSWERS));
    asked.push(word ?? '?');
    return word ? reply.json(ANSWERS[word]) : reply.error(400, 'unexpected prompt');
  });
  // A Wednesday: the first tick starts the run of the week that ended on Sunday 2026-03-01, before any card exists.
  engine = await startEngine([regeneration], {
    start: '2026-03-04T10:00:00Z',
    services: true,
    llmEnv: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test', FLASHFLOW_LLM_MODEL: 'fake-model' },
  });
}, 60_000);

afterAll(async () => {
  await engine?.close();
  await fake?.close();
});

describe('flashcard_regeneration on its @weekly schedule', { timeout: 90_000 }, () => {
  it('uses the deck limit, never sends a word that cannot fit, and backs off a word the model keeps failing', async () => {
    expect(await nextWeeksRun()).toEqual({ state: 'success', picked: [], asked: [] });

    const sql = engine.db.sql;
    const now = engine.clock.now();
    const { deck } = await getOrCreateDeck(sql, { name: 'Weekly deck', level: null, description: null }, now);
    await setDeckMaxChars(sql, deck.id, 30);
    const added = await addPendingCards(sql, deck.id, Object.keys(ANSWERS).map((word) => ({ word, hint: null })), now);
    for (const c of added.cards) ids[c.word] = c.id;
    // chat: a valid card a reviewer flagged. pomme: failed when first generated. The two long words were rejected
    // before any call: the idiom at the deck's limit, anticonstitutionnellement at 20, a limit the deck has raised since.
    const plain = { ...ANSWERS.chat!, french_example: 'Le chat.', english_translation: 'The cat.' };
    await saveGeneratedCard(sql, ids.chat!, plain, { promptVersion: PROMPT_VERSION, model: 'fake-model' }, now);
    await flagCard(sql, ids.chat!, 'too plain', now);
    await markCardFailed(sql, ids.pomme!, [{ code: 'example_too_long', message: 'too long' }], now);
    await markCardFailed(sql, ids[IDIOM]!, [{ code: 'word_too_long', limit: 30 }], now);
    await markCardFailed(sql, ids.anticonstitutionnellement!, [{ code: 'word_too_long', limit: 20 }], now);

    // Week 1: one call each for the words that comply under 30; max_reasks + 1 = 4 for pomme, which fails the run.
    await engine.advance(WEEK);
    expect(await nextWeeksRun()).toEqual({
      state: 'failed',
      picked: ['anticonstitutionnellement', 'chat', 'pomme'],
      asked: expect.arrayContaining(['chat', 'anticonstitutionnellement']),
    });
    expect(fake.requests.map((r) => wordOf(r, Object.keys(ANSWERS))).filter((w) => w === 'pomme')).toHaveLength(4);
    expect(fake.calls).toBe(6);
    expect(await getCard(sql, ids.chat!)).toMatchObject({ content: ANSWERS.chat, maxChars: 30, flaggedAt: null });
    const pomme = await getCard(sql, ids.pomme!);
    expect(pomme).toMatchObject({ status: 'failed', failedRegenerations: 1 });
    expect(pomme.regenerateAfter!.getTime() - engine.clock.now().getTime()).toBeGreaterThan(WEEK);

    // Week 2: pomme is backed off, the idiom still cannot fit: nothing to ask.
    await engine.advance(WEEK);
    expect(await nextWeeksRun()).toEqual({ state: 'success', picked: [], asked: [] });

    // Week 3: pomme is asked again, fails again, and is now skipped for two weeks.
    await engine.advance(WEEK);
    expect(await nextWeeksRun()).toEqual({ state: 'failed', picked: ['pomme'], asked: ['pomme', 'pomme', 'pomme', 'pomme'] });
    expect(fake.calls).toBe(10);
    expect(await getCard(sql, ids.pomme!)).toMatchObject({ failedRegenerations: 2 });
    expect(fake.requests.some((r) => wordOf(r, Object.keys(ANSWERS)) === IDIOM)).toBe(false);
  });
});
