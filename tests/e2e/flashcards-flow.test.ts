// What a user does, in a real browser (system Chromium through playwright-core) against `flashflow standalone` with
// the real workflows and a fake OpenAI-compatible server behind a proxy that makes every answer take a moment:
// paste words → watch the progress live → cards appear → review with the keyboard → the dashboard's numbers equal
// the recorded attempts. A word that is HTML stays text. Screenshots go to docs/screenshots/ with FLASHFLOW_UPDATE_SCREENSHOTS=1.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { screenshotDir } from '../support/screenshot-dir';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../api/support/api-server';
import { signIn } from '../support/browser-sign-in';
import { REPO_ROOT } from '../support/cli-harness';
import { answerSampleCards } from '../support/fake-card-answers';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server';

const SHOTS = screenshotDir();
/** Every model answer takes this long, so the deck page has time to show words queued and running. */
const ANSWER_DELAY_MS = 1200;
const XSS = '<script>alert(1)</script>';



/** Forwards to the fake server after a delay (the fake itself answers at once). */
async function delayingProxy(targetOrigin: string, delayMs: number): Promise<{ baseUrl: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        fetch(`${targetOrigin}${req.url}`, { method: req.method, headers: { 'content-type': 'application/json' }, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined })
          .then(async (r) => {
            res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
            res.end(Buffer.from(await r.arrayBuffer()));
          })
          .catch(() => res.destroy());
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

let fake: FakeOpenAiServer;
let proxy: { baseUrl: string; server: Server };
let app: ApiServer;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  fake = await startFakeOpenAiServer();
  fake.otherwise(answerSampleCards());
  proxy = await delayingProxy(new URL(fake.baseUrl).origin, ANSWER_DELAY_MS);
  app = await startApiServer({
    FLASHFLOW_DAGS_FOLDER: path.join(REPO_ROOT, 'workflows'),
    OPENAI_BASE_URL: proxy.baseUrl,
    OPENAI_API_KEY: 'sk-test',
    FLASHFLOW_LLM_MODEL: 'fake-model',
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await signIn(page, app.baseUrl, 'admin', app.adminPassword);
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await new Promise((r) => proxy?.server.close(r));
  await fake?.close();
});

const url = (p: string) => `${app.baseUrl}${p}`;
const text = (testId: string) => page.getByTestId(testId).first().innerText();

describe('paste vocabulary → live progress → cards → review → dashboard', () => {
  let deckPath = '';

  it('counts entries and duplicates live and names the field of each error inline', async () => {
    await page.goto(url('/new'));
    await page.locator('textarea[name=vocabulary]').fill(`chat\npomme ; fruit\nbibliothèque\nChat\n${XSS}\n`);
    await expect.poll(() => text('live-count')).toMatch(/4 entries.*1 duplicate/s);

    // Nothing named, nothing pasted: both fields say what is wrong, and no stack trace reaches the page.
    await page.locator('textarea[name=vocabulary]').fill('\n# only a comment\n');
    await page.getByRole('button', { name: 'Make the cards' }).click();
    await expect.poll(() => text('error-deck_name')).toMatch(/^Deck name: Name the deck/);
    expect(await text('error-vocabulary')).toMatch(/^Vocabulary: The vocabulary has no words/);
    const tooMany = Array.from({ length: 501 }, (_, i) => `mot${i}`).join('\n');
    await page.locator('textarea[name=vocabulary]').fill(tooMany);
    await expect.poll(() => text('live-count')).toMatch(/501 distinct words.*limit is 500/);
    await page.getByRole('button', { name: 'Make the cards' }).click();
    await expect.poll(() => text('error-vocabulary')).toMatch(/the limit is 500/);
    expect(await page.content()).not.toMatch(/at \w+ \(.*:\d+:\d+\)/); // no stack frames
  });

  it('starts the run and shows each word move to done without a reload, then the cards', async () => {
    await page.locator('input[name=deck_name]').fill('Amélie');
    await page.locator('textarea[name=vocabulary]').fill(`chat\npomme ; fruit\nbibliothèque\nChat\n${XSS}\n`);
    await page.screenshot({ path: path.join(SHOTS, 'new.png'), fullPage: true });
    await page.getByRole('button', { name: 'Make the cards' }).click();
    await page.waitForURL(/\/decks\/\d+\?run=/);
    deckPath = new URL(page.url()).pathname;
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const phases = await page.locator('[data-testid=word-progress]').evaluateAll((els) => els.map((e) => e.getAttribute('data-phase') ?? ''));
      if (phases.length === 0 && (await page.getByTestId('waiting').count()) > 0) seen.add('waiting');
      for (const p of phases) seen.add(p);
      if (phases.length === 4 && phases.every((p) => p === 'done' || p === 'failed')) break;
      if (Date.now() > deadline) throw new Error(`the words did not finish: ${phases.join(', ')}`);
      await page.waitForTimeout(100);
    }
    expect(navigations).toBe(0);
    // The page showed unfinished words (or the run waiting) before they were done: it updated itself.
    expect([...seen].some((p) => ['waiting', 'queued', 'running', 'reasking'].includes(p)), [...seen].join(',')).toBe(true);

    const word = (w: string) => page.locator(`[data-testid=word-progress][data-word="${w.replace(/"/g, '\\"')}"]`);
    expect(await word('bibliothèque').getAttribute('data-phase')).toBe('done');
    expect(await word('bibliothèque').innerText()).toMatch(/2 attempts/);
    // The HTML word is text: shown verbatim, never run, and failed for a reason the user can read.
    expect(await word(XSS).getAttribute('data-phase')).toBe('failed');
    expect(await word(XSS).innerText()).toContain(XSS);
    expect(await word(XSS).innerText()).toMatch(/word_too_long/);
    expect(dialogs).toEqual([]);
    expect(await page.locator('script', { hasText: 'alert(1)' }).count()).toBe(0);

    await expect.poll(() => page.locator('[data-testid=card]').count()).toBe(4);
    expect(await page.locator('[data-testid=card][data-word="chat"] [data-testid=card-front]').innerText()).toMatch(/Le chat dort\.\s*13\/20/);
    await expect.poll(() => text('run-state')).toBe('failed'); // one word could not be made
    // It could not be made because it was never sent: said as such. The review button followed the cards in.
    expect(await text('rejected-before-call')).toMatch(/1 word rejected before any call/);
    expect(await text('deck-due-now')).toBe('3');
    await page.screenshot({ path: path.join(SHOTS, 'deck.png'), fullPage: true });
  });

  it('refuses an edit that breaks the length rule, inline under the field', async () => {
    const card = page.locator('[data-testid=card][data-word="pomme"]');
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.locator('input[name=french_example]').fill('Une pomme rouge et bien mûre du verger.');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => card.getByTestId('edit-error-french_example').innerText()).toMatch(/French example: .*fewer than 20/);
    await card.getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows a conflict, not an overwrite, when the card changed after the edit form opened', async () => {
    const card = page.locator('[data-testid=card][data-word="chat"]');
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.locator('input[name=french_example]').fill('Le chat saute.');
    // Someone else saves the card meanwhile (another tab, or a regeneration finishing).
    const api = (p: string, init: RequestInit = {}) =>
      fetch(`${app.baseUrl}/api/v1${p}`, { ...init, headers: { ...app.auth, 'content-type': 'application/json' } });
    const cards = (await (await api(`/decks/${deckPath.split('/').pop()}/cards`)).json()) as { cards: Array<{ card_id: number; word: string }> };
    const chat = cards.cards.find((c) => c.word === 'chat')!;
    expect((await api(`/cards/${chat.card_id}`, { method: 'PATCH', body: JSON.stringify({ french_example: 'Le chat boit.' }) })).status).toBe(200);
    await card.getByRole('button', { name: 'Save' }).click();
    const conflict = card.getByTestId('edit-conflict');
    await expect.poll(() => conflict.innerText()).toMatch(/changed since you loaded it[\s\S]*Now: “Le chat boit\.”/);
    expect(await card.locator('input[name=french_example]').inputValue()).toBe('Le chat saute.'); // the draft is kept
    await card.getByRole('button', { name: 'Start again from the current card' }).click();
    expect(await card.locator('input[name=french_example]').inputValue()).toBe('Le chat boit.');
    await card.getByRole('button', { name: 'Cancel' }).click();
  });

  it('reviews with the keyboard at phone width: Space flips, 3 grades Good', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url(`/review?deck=${deckPath.split('/').pop()}`));
    expect(await text('due-now')).toBe('3');
    await page.keyboard.press('Space');
    await page.getByTestId('review-answer').waitFor();
    const labels = await page.locator('[data-testid=grades] button').allInnerTexts();
    expect(labels.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/^1 Again \d+m$/),
      expect.stringMatching(/^2 Hard \d+m$/),
      expect.stringMatching(/^3 Good \d+m$/),
      expect.stringMatching(/^4 Easy \d+d$/),
    ]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, 'review.png'), fullPage: true });
    await page.keyboard.press('3');
    await expect.poll(() => text('reviewed')).toBe('1');
    expect(await text('due-now')).toBe('2'); // Good on a new card: back in 10 minutes
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('shows dashboard numbers equal to the recorded attempts, and each attempt in full', async () => {
    const attempts = (await (await fetch(url('/api/v1/llm/attempts?limit=1000'), { headers: app.auth })).json()) as {
      llm_attempts: Array<{ attempt_id: number; valid: boolean; map_index: number; dag_run_id: string; try_number: number; attempt: number; latency_ms: number }>;
      total_entries: number;
    };
    expect(attempts.total_entries).toBe(4); // chat 1, pomme 1, bibliothèque 2; the HTML word never reached the model
    const words = new Map<string, typeof attempts.llm_attempts>();
    for (const a of attempts.llm_attempts) words.set(`${a.dag_run_id}/${a.map_index}`, [...(words.get(`${a.dag_run_id}/${a.map_index}`) ?? []), a]);
    const firstValid = [...words.values()].filter((g) => g.sort((x, y) => x.try_number - y.try_number || x.attempt - y.attempt)[0]!.valid).length;
    const finalValid = [...words.values()].filter((g) => g.some((a) => a.valid)).length;
    expect([words.size, firstValid, finalValid]).toEqual([3, 2, 3]);

    await page.goto(url('/dashboard'));
    expect(await text('attempts-total')).toBe(String(attempts.total_entries));
    expect(await text('words-attempted')).toBe(String(words.size));
    expect(await text('final-valid')).toBe(String(finalValid));
    expect(await text('first-attempt-compliance')).toBe(`${((100 * firstValid) / words.size).toFixed(1)} %`);
    expect(await text('final-compliance')).toBe('100 %');
    await page.locator('[data-testid=chart-lengths] svg').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });

    const refused = attempts.llm_attempts.find((a) => !a.valid)!;
    await page.locator(`a[href="/dashboard/attempts/${refused.attempt_id}"]`).click();
    await page.waitForURL(/\/dashboard\/attempts\/\d+$/);
    expect(await text('attempt-raw')).toContain('La bibliothèque de mon quartier ferme tôt.');
    expect(await page.getByTestId('attempt-facts').innerText()).toMatch(/example_too_long/);
    expect(await page.locator('[data-testid=attempt-message]').count()).toBeGreaterThanOrEqual(2);
  });

  it('retries the failed word from the deck page: it runs again and is recorded as the user who clicked', async () => {
    const deckId = deckPath.split('/').pop()!;
    const api = async <T,>(p: string): Promise<T> => (await (await fetch(url(`/api/v1${p}`), { headers: app.auth })).json()) as T;
    type Progress = { run: { dag_run_id: string; state: string; finished: boolean } | null; words: Array<{ word: string; phase: string; try_number: number }> };
    const before = await api<Progress>(`/decks/${deckId}/progress`);
    const xssBefore = before.words.find((w) => w.word === XSS)!;
    expect([xssBefore.phase, before.run!.state]).toEqual(['failed', 'failed']);
    const attemptsBefore = (await api<{ total_entries: number }>('/llm/attempts')).total_entries;

    await page.goto(url(deckPath));
    const word = page.locator(`[data-testid=word-progress][data-word="${XSS.replace(/"/g, '\\"')}"]`);
    await word.getByRole('button', { name: 'Retry' }).click();
    // The word is cleared and runs again (a new try); being too long to fit, it fails again without a model call.
    await expect
      .poll(async () => {
        const p = await api<Progress>(`/decks/${deckId}/progress`);
        const w = p.words.find((x) => x.word === XSS)!;
        return [w.try_number > xssBefore.try_number, w.phase, p.run!.finished];
      }, { timeout: 30_000 })
      .toEqual([true, 'failed', true]);
    await expect.poll(() => word.getAttribute('data-phase'), { timeout: 10_000 }).toBe('failed');
    await expect.poll(() => text('run-state')).toBe('failed');
    expect(await page.locator('[data-testid=run-progress] p.error').count()).toBe(0); // no refusal notice
    expect((await api<{ total_entries: number }>('/llm/attempts')).total_entries).toBe(attemptsBefore);
    const events = await api<{ event_logs: Array<{ owner: string; run_id: string }> }>('/eventLogs?event=ui.retry_word');
    expect(events.event_logs.map((e) => [e.owner, e.run_id])).toEqual([['admin', before.run!.dag_run_id]]);
  });
});
