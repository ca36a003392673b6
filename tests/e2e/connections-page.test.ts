// The connections page's Test button in a real browser (system Chromium) against `flashflow standalone`: the server
// tries the STORED connection, password included (which the page never has), and the page says how it went.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../api/support/api-server';
import { signIn } from '../support/browser-sign-in';
import { freePort } from '../support/cli-harness';
import { startHttpSink, type HttpSink } from '../support/http-sink';

const SECRET = 'stored-only-on-the-server';

let app: ApiServer;
let web: HttpSink;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  web = await startHttpSink();
  app = await startApiServer();
  const create = async (body: Record<string, unknown>) => {
    const res = await fetch(`${app.baseUrl}/api/v1/connections`, {
      method: 'POST',
      headers: { ...app.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`creating ${String(body.connection_id)}: ${res.status} ${await res.text()}`);
  };
  await create({ connection_id: 'web_up', conn_type: 'http', host: '127.0.0.1', port: Number(new URL(web.url).port), schema: 'status', login: 'bot', password: SECRET });
  await create({ connection_id: 'web_down', conn_type: 'http', host: '127.0.0.1', port: await freePort() });
  browser = await launchChromium();
  page = await browser.newPage();
  await signIn(page, app.baseUrl, 'admin', app.adminPassword);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await web?.close();
});

const row = (connId: string) => page.locator('[data-testid=connections] tbody tr').filter({ has: page.locator('code', { hasText: new RegExp(`^${connId}$`) }) });

describe('the connections page', () => {
  it('tests a stored connection with its password and shows the result, and a refused one as failed', async () => {
    await page.goto(`${app.baseUrl}/connections`);
    await row('web_up').getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toMatch(/^web_up: OK\. Connection successfully tested: GET .*\/status answered 200/);
    const seen = web.requests.filter((r) => r.path === '/status');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`bot:${SECRET}`).toString('base64')}`);
    expect(await page.content()).not.toContain(SECRET);

    await row('web_down').getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toMatch(/^web_down: failed\. .*ECONNREFUSED/);
  });

  it("creates a connection through a form that follows its type's fields and extra keys", async () => {
    await page.goto(`${app.baseUrl}/connections`);
    await page.getByRole('button', { name: '+ New connection' }).click();
    await page.getByLabel('Connection id').fill('s3_store');
    await page.locator('#conn-conn_type').fill('aws');
    // An AWS connection has no host, port or schema; login and password are the access key pair.
    await expect.poll(() => page.locator('#conn-host').count()).toBe(0);
    expect(await page.locator('#conn-schema').count()).toBe(0);
    await page.getByLabel('AWS access key id').fill('AKIAEXAMPLE');
    await page.getByLabel('AWS secret access key').fill(SECRET);
    await page.getByLabel('Region').fill('eu-west-1');
    await page.getByLabel('Path-style S3 addressing').fill('true');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Connection s3_store created.');
    const res = await fetch(`${app.baseUrl}/api/v1/connections/s3_store`, { headers: app.auth });
    expect(await res.json()).toMatchObject({ conn_type: 'aws', login: 'AKIAEXAMPLE', host: null, extra: '{"region_name":"eu-west-1","s3_force_path_style":true}' });
    expect(await page.content()).not.toContain(SECRET);

    // Editing sends only what changed: the region, not the (blank) secret key.
    await row('s3_store').getByRole('button', { name: 'Edit' }).click();
    expect(await page.getByLabel('Region').inputValue()).toBe('eu-west-1');
    await page.getByLabel('Region').fill('us-east-1');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Connection s3_store saved.');
    const edited = await fetch(`${app.baseUrl}/api/v1/connections/s3_store`, { headers: app.auth });
    expect(await edited.json()).toMatchObject({ conn_type: 'aws', login: 'AKIAEXAMPLE', extra: '{"region_name":"us-east-1","s3_force_path_style":true}' });
  });
});
