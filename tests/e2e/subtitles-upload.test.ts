// Words from a subtitle file on /new, in a real browser (system Chromium through playwright-core) against
// `flashflow standalone`: pick or drop an .srt, see its candidate words, tick some with the keyboard, add them to the
// vocabulary box; a Latin-1 file reads right, a wrong file says what is wrong, and the vocabulary limits hold.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../api/support/api-server';
import { signIn } from '../support/browser-sign-in';
import { fixturePath } from '../support/cli-harness';
import { screenshotDir } from '../support/screenshot-dir';

const subtitles = (name: string) => path.join(fixturePath('subtitles'), name);

let app: ApiServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startApiServer();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await signIn(page, app.baseUrl, 'admin', app.adminPassword);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const vocabulary = () => page.locator('textarea[name=vocabulary]');
const status = () => page.getByTestId('subtitle-status').innerText();
const error = () => page.getByTestId('subtitle-error').innerText();
const candidate = (word: string) => page.getByRole('checkbox', { name: new RegExp(`^${word} `) });
const candidateWords = () => page.locator('.candidate-word').allInnerTexts();

describe('words from a subtitle file on /new', () => {
  it('lists the words of an .srt most frequent first and adds the ticked ones to the vocabulary, keyboard only', async () => {
    await page.goto(`${app.baseUrl}/new`);
    await vocabulary().fill('Bagnole ; car\n');
    await page.getByTestId('subtitle-file').setInputFiles(subtitles('amelie-extrait.srt'));
    await expect.poll(status).toMatch(/^20 candidate words in 11 subtitle lines of “amelie-extrait\.srt”\.$/);

    const words = await candidateWords();
    expect(words.slice(0, 3)).toEqual(['café', 'bagnole', 'galère']);
    // Markup, names, numbers, elisions and inverted pronouns are not words to learn.
    expect(words).toEqual(expect.arrayContaining(['thune', 'vaisselle', 'rendez-vous', 'grand-mère', 'crème', 'brûlée', 'garçon']));
    expect(words.filter((w) => /an8|^i$|nino|montmartre|^8$|^t'as$|^l'|moi/iu.test(w))).toEqual([]);
    expect(await page.getByTestId('candidates').innerText()).toMatch(/Left out as names: Montmartre, Nino\./);
    // Already in the box (as the parser keys it): shown as such, not offered again.
    expect(await candidate('bagnole').isDisabled()).toBe(true);
    expect(await page.locator('.candidate-list li', { hasText: 'bagnole' }).innerText()).toMatch(/in the list/);

    await candidate('café').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab'); // bagnole is disabled: the next stop is galère
    await page.keyboard.press('Space');
    expect(await candidate('galère').isChecked()).toBe(true);
    await page.getByTestId('add-candidates').focus();
    expect(await page.getByTestId('add-candidates').innerText()).toBe('Add 2 words');
    await page.keyboard.press('Enter');

    expect(await vocabulary().inputValue()).toBe('Bagnole ; car\ncafé\ngalère\n');
    await expect.poll(() => page.getByTestId('live-count').innerText()).toMatch(/^3 entries/);
    expect(await page.getByTestId('candidate-feedback').innerText()).toBe('Added 2 words to the vocabulary.');
    expect(await candidate('café').isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir(), 'new-subtitles.png'), fullPage: true });
  });

  it('filters the list, and reads a Windows-1252 file with its œ, ç and accents intact', async () => {
    await page.getByLabel('Filter the candidate words').fill('brul');
    expect(await candidateWords()).toEqual(['brûlée']);

    await page.getByTestId('subtitle-file').setInputFiles(subtitles('coeur-windows-1252.srt'));
    await expect.poll(status).toMatch(/^8 candidate words in 2 subtitle lines of “coeur-windows-1252\.srt”, read as Windows-1252 \(Latin-1\)\.$/);
    expect(await candidateWords()).toEqual(['cœur', 'bat', 'sœur', 'été', 'garçon', 'prend', 'œuf', 'boulangerie']);
  });

  it('will not add words past the 500-entry limit, and says how many still fit', async () => {
    const full = Array.from({ length: 499 }, (_, i) => `mot${i}`).join('\n');
    await vocabulary().fill(full);
    await candidate('cœur').check();
    await candidate('sœur').check();
    await expect.poll(() => page.getByTestId('candidate-feedback').innerText())
      .toBe('Adding 2 words would make 501 entries; the limit is 500. Select at most 1, or start another list.');
    // Still focusable, so the reason is read out with it; pressing it changes nothing.
    expect(await page.getByTestId('add-candidates').getAttribute('aria-disabled')).toBe('true');
    await page.getByTestId('add-candidates').focus();
    await page.keyboard.press('Enter');
    expect(await vocabulary().inputValue()).toBe(full);

    await candidate('sœur').uncheck();
    await page.getByTestId('add-candidates').click();
    expect(await vocabulary().inputValue()).toBe(`${full}\ncœur\n`);
    await expect.poll(() => page.getByTestId('live-count').innerText()).toMatch(/^500 entries/);
  });

  it('names the problem with another kind of file, one too large, an empty one dropped on the zone; reads one dropped on the box', async () => {
    await page.getByTestId('subtitle-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('la bagnole\n') });
    await expect.poll(error).toBe('“notes.txt” is not a subtitle file: choose an .srt or .vtt file (the subtitles of the movie).');
    expect(await page.getByTestId('candidates').count()).toBe(0);

    await page.getByTestId('subtitle-file').setInputFiles({ name: 'film.srt', mimeType: 'application/x-subrip', buffer: Buffer.alloc(3 * 1024 * 1024, 0x61) });
    await expect.poll(error).toBe('“film.srt” is 3 MB; a subtitle file may be at most 2 MB.');

    await page.getByTestId('subtitle-file').setInputFiles({ name: 'liste.srt', mimeType: 'application/x-subrip', buffer: Buffer.from('la bagnole\nla thune\n') });
    await expect.poll(error).toMatch(/^“liste\.srt” has no subtitle cues/);

    const dropped = (name: string, text: string) =>
      page.evaluateHandle(([n, t]) => {
        const data = new DataTransfer();
        data.items.add(new File([t], n));
        return data;
      }, [name, text] as const);
    await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer: await dropped('vide.srt', '') });
    await expect.poll(error).toBe('“vide.srt” is empty.');
    // Dropped on the vocabulary box instead, the file is read all the same (the browser would open it in the tab).
    await page.locator('textarea[name=vocabulary]').dispatchEvent('drop', { dataTransfer: await dropped('court.vtt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nUne bagnole.\n') });
    await expect.poll(status).toBe('1 candidate word in 1 subtitle line of “court.vtt”.');
  });

  it('shows its progress on a large file, then its words', async () => {
    const cues = Array.from({ length: 12_000 }, (_, i) => `${i + 1}\n00:00:01,000 --> 00:00:02,000\nLa bagnole numéro ${i} roule dans la rue.\n`);
    const buffer = Buffer.from(cues.join('\n'));
    expect(buffer.length).toBeGreaterThan(600_000);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      const observe = () => {
        const el = document.querySelector('[data-testid=subtitle-status]');
        if (el?.textContent) seen.push(el.textContent);
      };
      new MutationObserver(observe).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('subtitle-file').setInputFiles({ name: 'long.srt', mimeType: 'application/x-subrip', buffer });
    await expect.poll(status).toMatch(/^4 candidate words in 12,000 subtitle lines of “long\.srt”\.$/);
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    expect(statuses.some((s) => s.startsWith('Finding the words of “long.srt”…'))).toBe(true);
    expect(await candidateWords()).toEqual(['bagnole', 'numéro', 'roule', 'rue']);
  });
});
