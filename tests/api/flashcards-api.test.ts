// Decks, cards, progress, export, reviews and LLM data over real HTTP against `flashflow standalone` running the real
// workflows folder with a fake OpenAI-compatible server: every JSON answer is checked against the served OpenAPI
// document (support/openapi-client.ts).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerSampleCards } from '../support/fake-card-answers';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';
import { REPO_ROOT } from '../support/cli-harness';
import { OpenApiClient } from './support/openapi-client';
import { expectProblem } from './support/expect-problem';
import { startApiServer, type ApiServer } from './support/api-server';

type Json = Record<string, unknown>;
interface Card { card_id: number; word: string; status: string; french_example: string | null; example_length: number | null; max_chars: number; flagged: boolean; version: number; edited_at: string | null; reps: number }



let fake: FakeOpenAiServer;
let server: ApiServer;
let api: OpenApiClient;
let deckId: number;
let runId: string;

const enc = encodeURIComponent;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  fake.otherwise(answerSampleCards());
  server = await startApiServer({
    FLASHFLOW_DAGS_FOLDER: path.join(REPO_ROOT, 'workflows'),
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: 'sk-test',
    FLASHFLOW_LLM_MODEL: 'fake-model',
  });
  api = await OpenApiClient.connect(server.baseUrl, server.auth);
  await until('french_flashcards loaded', async () => (await api.get('/dags/french_flashcards')).status === 200);
  const run = await api.post('/dags/french_flashcards/dagRuns', {
    conf: { deck_name: 'API deck', vocabulary: 'chat\npomme ; fruit\nbibliothèque\nanticonstitutionnellement\n' },
  });
  expect(run.status, run.text).toBe(200);
  runId = run.body.dag_run_id as string;
  await until('the run to finish', async () => {
    const r = await api.get(`/dags/french_flashcards/dagRuns/${enc(runId)}`);
    return ['success', 'failed'].includes(r.body.state as string);
  });
  const decks = await api.get<{ decks: Array<{ deck_id: number; name: string }> }>('/decks');
  deckId = decks.body.decks.find((d) => d.name === 'API deck')!.deck_id;
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

describe('decks', () => {
  it('lists decks with card counts and due counts, and gets one', async () => {
    const list = await api.get<{ decks: Json[]; total_entries: number }>('/decks');
    const deck = list.body.decks.find((d) => d.deck_id === deckId)!;
    expect(deck.card_counts).toEqual({ total: 4, valid: 3, pending: 0, failed: 1, flagged: 0, due_now: 3 });
    const one = await api.get(`/decks/${deckId}`);
    expect(one.body).toEqual(deck);
    expectProblem(await api.get('/decks/999999'), 404, /Deck 999999 not found/);
    expectProblem(await api.get('/decks/abc'), 400, /deck_id/);
  });

  it('creates an empty deck, refuses a second one with the same name (any case) and names bad fields', async () => {
    const created = await api.post('/decks', { name: 'Le Dîner de cons', level: 'B1' });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ name: 'Le Dîner de cons', level: 'B1', card_counts: { total: 0 } });
    expectProblem(await api.post('/decks', { name: 'le dîner de CONS' }), 409, /already exists/);
    const empty = expectProblem(await api.post('/decks', { name: '' }), 400, /name/);
    expect(empty.fields?.map((f) => f.path)).toEqual(['name']);
    const unknown = expectProblem(await api.post('/decks', { name: 'X', colour: 'red' }), 400, /colour/);
    expect(unknown.fields).toEqual([{ path: 'colour', message: 'unknown field' }]);
  });
});

describe('progress of the run that filled the deck', () => {
  it('shows every word with its phase, attempts and reasons, for the latest run and for ?dag_run_id=', async () => {
    const latest = await api.get<{ due_now: number; run: Json; words: Array<Json> }>(`/decks/${deckId}/progress`);
    expect(latest.status, latest.text).toBe(200);
    expect(latest.body.run).toMatchObject({ dag_run_id: runId, state: 'failed', finished: true, max_chars: 20, parse_state: 'success' });
    expect(latest.body.run.counts).toMatchObject({ done: 3, failed: 1, queued: 0, running: 0 });
    // The word too long to fit was never sent: said as such, not hidden behind the other words' compliance.
    expect(latest.body.run.rejected_before_call).toBe(1);
    // The deck page's "Review (n due)" reads this with each poll: the three new cards are due at once.
    expect(latest.body.due_now).toBe(3);
    const words = latest.body.words.map((w) => [w.word, w.phase, w.attempts]);
    expect(words).toEqual([
      ['chat', 'done', 1],
      ['pomme', 'done', 1],
      ['bibliothèque', 'done', 2],
      ['anticonstitutionnellement', 'failed', 0],
    ]);
    const failed = latest.body.words[3]!;
    expect((failed.failure_reasons as Array<{ code: string }>).map((r) => r.code)).toEqual(['word_too_long']);
    const byRun = await api.get(`/decks/${deckId}/progress?dag_run_id=${enc(runId)}`);
    expect(byRun.body).toEqual(latest.body);
    expectProblem(await api.get(`/decks/${deckId}/progress?dag_run_id=nope`), 404, /nope/);
  });
});

describe('cards', () => {
  const cardOf = async (word: string): Promise<Card> => {
    const res = await api.get<{ cards: Card[] }>(`/decks/${deckId}/cards`);
    return res.body.cards.find((c) => c.word === word)!;
  };

  it('lists cards in word order with lengths against the limit, filtered by status and flag, with paging', async () => {
    const all = await api.get<{ cards: Card[]; total_entries: number }>(`/decks/${deckId}/cards`);
    expect(all.body.total_entries).toBe(4);
    expect(all.body.cards.map((c) => [c.word, c.status, c.example_length, c.max_chars])).toEqual([
      ['anticonstitutionnellement', 'failed', null, 20],
      ['bibliothèque', 'valid', 16, 20],
      ['chat', 'valid', 13, 20],
      ['pomme', 'valid', 16, 20],
    ]);
    const valid = await api.get<{ cards: Card[]; total_entries: number }>(`/decks/${deckId}/cards?status=valid&limit=1&offset=1`);
    expect(valid.body.total_entries).toBe(3);
    expect(valid.body.cards.map((c) => c.word)).toEqual(['chat']);
    expectProblem(await api.get(`/decks/${deckId}/cards?status=nope`), 400, /status/);
  });

  it('refuses an edit that breaks a card rule, naming the field, and keeps one that passes', async () => {
    const chat = await cardOf('chat');
    const missing = expectProblem(await api.patch(`/cards/${chat.card_id}`, { french_example: 'Le chien dort.' }), 400, /does not use the word/);
    expect(missing.fields?.map((f) => f.path)).toEqual(['french_example']);
    const long = expectProblem(await api.patch(`/cards/${chat.card_id}`, { french_example: 'Le chat dort dans la cuisine.' }), 400, /fewer than 20/);
    expect(long.fields?.map((f) => f.path)).toEqual(['french_example']);
    expectProblem(await api.patch(`/cards/${chat.card_id}`, {}), 400, /nothing to change/);
    const ok = await api.patch<Card>(`/cards/${chat.card_id}`, { french_example: 'Le chat mange.' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ french_example: 'Le chat mange.', example_length: 14, version: 2 });
    expect(ok.body.edited_at).not.toBeNull();
    const again = await api.get<Card>(`/cards/${chat.card_id}`);
    expect(again.body).toEqual(ok.body);
  });

  it('sends the ETag of the card version, and answers 409 problem+json to an edit based on a version it has left', async () => {
    const chat = await cardOf('chat');
    const url = `${server.baseUrl}/api/v1/cards/${chat.card_id}`;
    const got = await fetch(url, { headers: server.auth });
    const etag = got.headers.get('etag');
    expect(etag).toBe(`"v${chat.version}"`);
    const patch = (body: Json, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'PATCH', headers: { ...server.auth, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    // Two people opened the same version; the first one saves …
    const first = await patch({ french_example: 'Le chat boit.' }, { 'if-match': etag! });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe(`"v${chat.version + 1}"`);
    // … and the second one's save, based on the version the first replaced, is refused instead of overwriting it.
    const stale = await patch({ french_example: 'Le chat miaule.' }, { 'if-match': etag! });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await stale.json()).toMatchObject({
      status: 409,
      detail: expect.stringMatching(new RegExp(`changed since you loaded it \\(version ${chat.version}, now ${chat.version + 1}, edited\\)`)),
    });
    expectProblem(await api.patch(`/cards/${chat.card_id}`, { flagged: false, version: chat.version }), 409, /reload the card/);
    expectProblem(await api.patch(`/cards/${chat.card_id}`, { french_example: 'Le chat miaule.' }, { headers: { 'if-match': 'v3' } }), 400, /If-Match/);
    expect((await api.get<Card>(`/cards/${chat.card_id}`)).body).toMatchObject({ french_example: 'Le chat boit.', version: chat.version + 1 });
    // The current ETag (or `*`) is accepted.
    const ok = await patch({ french_example: 'Le chat mange.' }, { 'if-match': `"v${chat.version + 1}"` });
    expect(ok.status, await ok.clone().text()).toBe(200);
  });

  it('lets a person write the card the model could not, under the same rules', async () => {
    const failed = await cardOf('anticonstitutionnellement');
    const p = expectProblem(await api.patch(`/cards/${failed.card_id}`, { english_word: 'unconstitutionally' }), 400, /empty/);
    expect(p.fields?.map((f) => f.path).sort()).toEqual(['english_translation', 'french_example']);
  });

  it('flags with a reason, lists flagged cards, and unflags', async () => {
    const pomme = await cardOf('pomme');
    const noReason = expectProblem(await api.patch(`/cards/${pomme.card_id}`, { flagged: true }), 400, /reason/);
    expect(noReason.fields?.map((f) => f.path)).toEqual(['flag_reason']);
    const flagged = await api.patch<Card>(`/cards/${pomme.card_id}`, { flagged: true, flag_reason: 'wrong sense' });
    expect(flagged.body.flagged).toBe(true);
    const list = await api.get<{ cards: Card[] }>(`/decks/${deckId}/cards?flagged=true`);
    expect(list.body.cards.map((c) => c.word)).toEqual(['pomme']);
    const unflagged = await api.patch<Card>(`/cards/${pomme.card_id}`, { flagged: false });
    expect(unflagged.body.flagged).toBe(false);
    const failed = await cardOf('anticonstitutionnellement');
    expectProblem(await api.patch(`/cards/${failed.card_id}`, { flagged: true, flag_reason: 'x' }), 409, /nothing to flag/);
  });

  it('grades a card, lists its reviews, and refuses a bad rating or a card without content', async () => {
    const biblio = await cardOf('bibliothèque');
    const graded = await api.post<{ card: Card; review: Json }>(`/cards/${biblio.card_id}/reviews`, { rating: 3, duration_ms: 1200 });
    expect(graded.status, graded.text).toBe(200);
    expect(graded.body.card.reps).toBe(1);
    expect(graded.body.review).toMatchObject({ rating: 3, card_id: biblio.card_id, duration_ms: 1200, state: 0 });
    const history = await api.get<{ reviews: Json[]; total_entries: number }>(`/cards/${biblio.card_id}/reviews`);
    expect(history.body.total_entries).toBe(1);
    expectProblem(await api.post(`/cards/${biblio.card_id}/reviews`, { rating: 5 }), 400, /rating/);
    const failed = await cardOf('anticonstitutionnellement');
    expectProblem(await api.post(`/cards/${failed.card_id}/reviews`, { rating: 3 }), 409, /cannot be reviewed/);
    expectProblem(await api.get('/cards/999999/reviews'), 404, /Card 999999/);
  });

  it('exports CSV and .apkg as downloads, and refuses an unknown format', async () => {
    const csv = await fetch(`${server.baseUrl}/api/v1/decks/${deckId}/export?format=csv`, { headers: server.auth });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="API deck.csv"/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('front,back,french_word,french_example,english_word,english_translation,word,hint');
    expect(lines).toHaveLength(4); // header + 3 valid cards; the failed one has nothing to export
    const apkg = await fetch(`${server.baseUrl}/api/v1/decks/${deckId}/export?format=apkg`, { headers: server.auth });
    expect(apkg.status).toBe(200);
    expect(Buffer.from(await apkg.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    // Through the checking client too: each answer must carry a media type the document declares for it.
    expect(await api.get(`/decks/${deckId}/export?format=csv`)).toMatchObject({ status: 200, contentType: 'text/csv' });
    expect(await api.get(`/decks/${deckId}/export?format=apkg`)).toMatchObject({ status: 200, contentType: 'application/octet-stream' });
    const exportOp = api.doc.paths['/decks/{deck_id}/export']!.get!.responses['200']!;
    expect(Object.keys(exportOp.content ?? {}).sort()).toEqual(['application/octet-stream', 'text/csv']);
    expectProblem(await api.get(`/decks/${deckId}/export?format=xml`), 400, /format/);
    expectProblem(await api.get('/decks/999999/export'), 404, /Deck 999999/);
  });

  it('deletes a card', async () => {
    const chat = await cardOf('chat');
    const del = await api.delete(`/cards/${chat.card_id}`);
    expect(del.status).toBe(204);
    expectProblem(await api.get(`/cards/${chat.card_id}`), 404, /not found/);
    expectProblem(await api.delete(`/cards/${chat.card_id}`), 404, /not found/);
  });
});

describe('LLM attempts and stats', () => {
  it('lists the run\'s attempts with total_entries, filtered by word and validity, and shows one in full', async () => {
    const all = await api.get<{ llm_attempts: Array<Json>; total_entries: number }>(`/llm/attempts?dag_run_id=${enc(runId)}`);
    expect(all.body.total_entries).toBe(4);
    const refused = await api.get<{ llm_attempts: Array<Json>; total_entries: number }>(
      `/llm/attempts?dag_run_id=${enc(runId)}&word=${enc('Bibliothèque')}&valid=false`,
    );
    expect(refused.body.total_entries).toBe(1);
    expect(refused.body.llm_attempts[0]).toMatchObject({ word: 'bibliothèque', attempt: 1, valid: false, reason_codes: ['example_too_long'], model: 'fake-model' });
    const page = await api.get<{ llm_attempts: Array<Json>; total_entries: number }>(`/llm/attempts?dag_run_id=${enc(runId)}&limit=1&offset=3`);
    expect(page.body.llm_attempts).toHaveLength(1);
    const one = await api.get<Json>(`/llm/attempts/${refused.body.llm_attempts[0]!.attempt_id as number}`);
    expect(one.status, one.text).toBe(200);
    expect(one.body.raw_response).toContain('La bibliothèque de mon quartier');
    expect((one.body.request_messages as Array<{ content: string }>).some((m) => m.content.includes('bibliothèque'))).toBe(true);
    expectProblem(await api.get('/llm/attempts/999999'), 404, /999999/);
  });

  it('answers the dashboard numbers for a filter, and names a bad filter', async () => {
    const stats = await api.get<{ words: Json; attempts: Json; attempts_per_word: Json[] }>(`/llm/stats?dag_run_id=${enc(runId)}`);
    expect(stats.status, stats.text).toBe(200);
    expect(stats.body.words).toMatchObject({ attempted: 3, first_attempt_valid: 2, final_valid: 3, final_compliance: 1 });
    expect(stats.body.words.first_attempt_compliance).toBeCloseTo(2 / 3);
    // The fake server reports 120 prompt and 30 completion tokens per answer.
    expect(stats.body.attempts).toMatchObject({ total: 4, valid: 3, prompt_tokens: 480, completion_tokens: 120 });
    expect(stats.body.attempts_per_word).toEqual([{ attempts: 1, words: 2 }, { attempts: 2, words: 1 }]);
    const none = await api.get<{ words: Json }>('/llm/stats?model=nope');
    expect(none.body.words).toMatchObject({ attempted: 0, first_attempt_compliance: null });
    const bad = expectProblem(await api.get('/llm/stats?created_at_gte=yesterday'), 400, /created_at_gte/);
    expect(bad.fields?.[0]?.path).toBe('created_at_gte');
  });
});

describe('coverage', () => {
  it('exercised every decks/cards/llm operation with its success status', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(api.doc.paths)) {
      if (!/^\/(decks|cards|llm)(\/|$)/.test(path)) continue;
      for (const [method, op] of Object.entries(item)) {
        const ok = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
        if (!api.seen.get(`${method} ${path}`)?.has(Number(ok))) missing.push(`${method.toUpperCase()} ${path} ${ok}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
