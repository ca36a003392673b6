// The DAG views in a real browser (system Chromium through playwright-core) against a real `flashflow standalone`
// on the tests/fixtures/dags-api folder: list → trigger form (a 400 shown inline, then a run) → grid turns green →
// graph → a task's log. Screenshots of the list, the grid and the graph go to docs/screenshots/ with FLASHFLOW_UPDATE_SCREENSHOTS=1.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { screenshotDir } from '../support/screenshot-dir';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../api/support/api-server';
import { signIn } from '../support/browser-sign-in';

const SHOTS = screenshotDir();

let server: ApiServer | undefined;
let browser: Browser | undefined;
let page: Page;
/** Uncaught errors and console errors in the browser: none is expected. */
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Rebuilds Next first when the sources are newer than .next (a minute), under the build lock.
  server = await startApiServer();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(20_000);
  await signIn(page, server.baseUrl, 'admin', server.adminPassword);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    // Failed requests are reported with their URL below instead.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
  page.on('response', (res) => {
    // The form's rejected trigger is a 400 on purpose; the browser asks for a favicon the app does not have.
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico') && !(res.status() === 400 && res.url().endsWith('/dagRuns'))) {
      pageErrors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    }
  });
}, 600_000);

afterAll(async () => {
  if (pageErrors.length > 0) console.error('browser errors:', pageErrors);
  await browser?.close();
  await server?.stop();
});

const url = (p: string) => `${server!.baseUrl}${p}`;

async function text(selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

describe('DAG views in a browser', () => {
  it('lists the fixture DAGs with their import-error banner', async () => {
    await page.goto(url('/dags'));
    await page.locator('tr[data-dag-id="api_basic"]').waitFor();
    const ids = await page.locator('tr[data-dag-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-dag-id')));
    expect(ids).toEqual(expect.arrayContaining(['api_basic', 'api_mapped', 'api_failing', 'api_paused_daily', 'api_slow']));
    expect(await text('[data-testid="import-errors-banner"]')).toContain('1 DAG file failed to load');
    // The paused DAG's switch is off, the others on.
    expect(await page.locator('tr[data-dag-id="api_paused_daily"] input[role="switch"]').isChecked()).toBe(false);
    expect(await page.locator('tr[data-dag-id="api_basic"] input[role="switch"]').isChecked()).toBe(true);
  });

  it('lists import errors, and creates the pool the fixture shout task waits for', async () => {
    await page.goto(url('/import-errors'));
    expect(await text('[data-testid="import-error"]')).toContain('missing setting API_FIXTURE_KEY');

    await page.goto(url('/pools'));
    await page.getByRole('button', { name: '+ New pool' }).click();
    await page.getByLabel('Name').fill('api_pool');
    await page.getByLabel('Slots').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-testid="pools"] tr:has-text("api_pool")').waitFor();
    expect(await text('[data-testid="pools"] tr:has-text("api_pool")')).toContain('2');
  });

  it('triggers a DAG through its params form, showing a rejected value beside its field first', async () => {
    await page.goto(url('/dags'));
    await page.getByRole('button', { name: 'Trigger api_basic' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const count = dialog.getByLabel('count');
    expect(await count.inputValue()).toBe('2'); // the default, prefilled
    expect(await dialog.getByLabel('name').inputValue()).toBe('world');

    await count.fill('0');
    await dialog.getByRole('button', { name: 'Trigger', exact: true }).click();
    await dialog.locator('.form-error').waitFor();
    expect(await dialog.locator('.form-error').textContent()).toContain('The run was not created');
    expect(await dialog.locator('.field-error').first().textContent()).toMatch(/>=\s*1|at least 1|too small/i);

    await count.fill('3');
    await dialog.getByLabel('name').fill('browser <b>&</b>');
    await dialog.getByRole('button', { name: 'Trigger', exact: true }).click();
    await page.waitForURL(/\/dags\/api_basic\?run_id=manual__/);
  });

  it('shows the run in the grid and refreshes it until its cells are success', async () => {
    await page.locator('[data-testid="grid"] a[data-task-id="shout"][data-state="success"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="grid"] a[data-task-id="greet"]').getAttribute('data-state')).toBe('success');
    await page.locator('[data-testid="grid"] a.run-bar[data-state="success"]').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'dag-grid.png'), fullPage: true });
  });

  it('draws the graph with the run\'s states and opens a task\'s log from it', async () => {
    await page.getByRole('link', { name: 'Graph', exact: true }).first().click();
    await page.waitForURL(/\/dags\/api_basic\/graph/);
    await page.locator('[data-testid="graph"] .react-flow__node').nth(1).waitFor();
    expect(await page.locator('[data-testid="graph"] .react-flow__node').count()).toBe(2);
    expect(await page.locator('[data-testid="graph"] .react-flow__edge').count()).toBe(1);
    await page.locator('.graph-node[data-task-id="greet"][data-state="success"]').waitFor();
    // Let fitView settle before the picture.
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'dag-graph.png'), fullPage: true });

    await page.locator('.react-flow__node:has([data-task-id="greet"])').click();
    await page.waitForURL(/\/runs\/.+\/tasks\/greet/);
    expect(await text('[data-testid="ti-state"]')).toContain('success');
    const log = page.locator('[data-testid="log"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="log"]')?.textContent?.includes('#3'));
    const content = (await log.textContent()) ?? '';
    // Escaped, not interpreted: the param came from the form with markup in it.
    expect(content).toContain('hello browser <b>&</b> #1');
    expect(content).toContain('hello browser <b>&</b> #3');
    expect(await page.locator('[data-testid="log"] b').count()).toBe(0);
  });

  it('shows a mapped task as one cell with its counts, expandable', async () => {
    const res = await fetch(url('/api/v1/dags/api_mapped/dagRuns'), {
      method: 'POST', headers: { 'content-type': 'application/json', ...server!.auth }, body: JSON.stringify({ conf: {} }),
    });
    expect(res.status).toBe(200);
    await page.goto(url('/dags/api_mapped'));
    const cell = page.locator('[data-testid="grid"] summary[data-task-id="card"][data-state="success"]');
    await cell.waitFor({ timeout: 30_000 });
    expect((await cell.textContent())?.startsWith('3')).toBe(true);
    await cell.click();
    expect(await text('.mapped-pop')).toContain('success: 3');
    await page.screenshot({ path: path.join(SHOTS, 'dag-grid-mapped.png'), fullPage: true });
  });

  it('marks a failed task success after a confirmation, then clears it so it fails again', async () => {
    const res = await fetch(url('/api/v1/dags/api_failing/dagRuns'), {
      method: 'POST', headers: { 'content-type': 'application/json', ...server!.auth }, body: JSON.stringify({ conf: {} }),
    });
    const runId = ((await res.json()) as { dag_run_id: string }).dag_run_id;
    await page.goto(url(`/dags/api_failing/runs/${encodeURIComponent(runId)}/tasks/explode`));
    await page.locator('[data-testid="ti-state"] .st-failed').waitFor({ timeout: 30_000 });
    expect(await text('.form-error')).toContain('the fixture task failed on purpose');

    await page.getByRole('button', { name: 'Mark success' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Yes, mark success' }).click();
    await page.locator('[data-testid="ti-state"] .st-success').waitFor();
    expect(await text('.task-actions [role="status"]')).toContain('Marked success: 1 task instance');

    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Yes, clear' }).click();
    // Cleared, it runs again (try 2, live refresh) and fails again.
    await page.getByRole('tab', { name: 'Try 2' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="ti-state"] .st-failed').waitFor({ timeout: 30_000 });
  });

  it('shows each DAG\'s latest run states in the list', async () => {
    await page.goto(url('/dags'));
    await page.locator('tr[data-dag-id="api_basic"] .run-dots .st-success').waitFor();
    await page.locator('tr[data-dag-id="api_mapped"] .run-dots .st-success').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'dags-list.png'), fullPage: true });
  });

  it('creates an API token on the account page that works for scripts until it is revoked there', async () => {
    await page.goto(url('/account'));
    await page.fill('[data-testid="token-form"] input[name="name"]', 'e2e script');
    await page.click('[data-testid="token-form"] button[type="submit"]');
    const token = ((await page.locator('[data-testid="new-token"] code.token-secret').textContent()) ?? '').trim();
    expect(token).toMatch(/^ff_/);
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(url('/api/v1/dags'), { headers: auth })).status).toBe(200);
    await page.reload();
    const row = page.locator('[data-testid="tokens"] tr', { hasText: 'e2e script' });
    expect(await row.textContent()).not.toContain(token);
    await Promise.all([page.waitForEvent('load'), row.getByRole('button', { name: 'Revoke' }).click()]);
    await page.locator('[data-testid="tokens"] tr', { hasText: 'e2e script' }).filter({ hasText: 'revoked' }).waitFor();
    expect((await fetch(url('/api/v1/dags'), { headers: auth })).status).toBe(401);
  });

  it('signs out: the session cookie no longer opens any page', async () => {
    await page.goto(url('/dags'));
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.goto(url('/dags'));
    expect(new URL(page.url()).pathname).toBe('/login');
    await signIn(page, server!.baseUrl, 'admin', server!.adminPassword);
  });

  it('raised no error in the browser on the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
