// What runs leave behind, over real HTTP against `flashflow standalone`: a task instance's result (Airflow's XCom
// endpoints), its artifacts (listed, and served sandboxed with the type their name gives), the alerts raised for
// it, the asset events it made and the runs they triggered (Airflow's dataset endpoints), and the pages that show
// them, with the docs rendered as safe Markdown.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/browser-sign-in';
import { launchChromium } from '../support/chromium';
import { fixturePath, runCli } from '../support/cli-harness';
import { startApiServer, type ApiServer } from './support/api-server';
import { expectProblem } from './support/expect-problem';
import { OpenApiClient } from './support/openapi-client';
import { isRunOutputPath, unexercisedOperations } from './support/operation-coverage';

type Json = Record<string, unknown>;

let server: ApiServer;
let api: OpenApiClient;
let viewer: Record<string, string>;
let runId: string;
let ti: (task: string) => string;

const DAGS = fixturePath('dags-run-outputs');

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await startApiServer({}, DAGS);
  api = await OpenApiClient.connect(server.baseUrl, server.auth);
  const cli = async (...args: string[]) => {
    const r = await runCli(args, { home: server.home, dagsFolder: DAGS, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`flashflow ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  await cli('users', 'create', '-u', 'reader', '-f', 'Re', '-l', 'Ader', '-r', 'Viewer', '-e', 'reader@example.com', '-p', 'reader-password');
  const { token } = JSON.parse(await cli('tokens', 'create', '-u', 'reader', '-n', 'views', '-o', 'json')) as { token: string };
  viewer = { authorization: `Bearer ${token}` };

  const run = await api.post<Json>('/dags/ti_views/dagRuns', {});
  expect(run.status, run.text).toBe(200);
  runId = run.body.dag_run_id as string;
  ti = (task) => `/dags/ti_views/dagRuns/${encodeURIComponent(runId)}/taskInstances/${task}`;
  await until('the run to fail on its alarm task', async () => (await api.get(`/dags/ti_views/dagRuns/${encodeURIComponent(runId)}`)).body.state === 'failed');
  await until('the asset-triggered run to succeed', async () => {
    const runs = await api.get<{ dag_runs: Json[] }>('/dags/on_drift/dagRuns');
    return runs.body.dag_runs.length === 1 && runs.body.dag_runs[0]!.state === 'success';
  });
}, 300_000);

let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('XCom entries', () => {
  it("lists a task instance's entries without values and gets one with its value as JSON text", async () => {
    const list = await api.get<{ xcom_entries: Json[]; total_entries: number }>(`${ti('stats')}/xcomEntries`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.total_entries).toBe(1);
    expect(list.body.xcom_entries[0]).toMatchObject({ key: 'return_value', task_id: 'stats', dag_id: 'ti_views', map_index: -1 });
    expect(list.body.xcom_entries[0]).not.toHaveProperty('value');

    const entry = await api.get<Json>(`${ti('stats')}/xcomEntries/return_value`);
    expect(entry.status, entry.text).toBe(200);
    expect(JSON.parse(entry.body.value as string)).toEqual({ ks: { sepal_length: 0.42, petal_width: 0.07 }, drift: true });
    const mapped = await api.as(viewer).get<Json>(`${ti('part')}/xcomEntries/return_value?map_index=1`);
    expect(mapped.body).toMatchObject({ map_index: 1, value: '"b"' });
  });

  it('filters across DAGs, runs and tasks with ~, by key and map index', async () => {
    const all = await api.get<{ xcom_entries: Json[]; total_entries: number }>('/dags/~/dagRuns/~/taskInstances/~/xcomEntries');
    expect(all.body.total_entries).toBe(5); // stats, parts, part[0], part[1], and on_drift's retrain
    const second = await api.get<{ xcom_entries: Json[] }>('/dags/~/dagRuns/~/taskInstances/~/xcomEntries?map_index=1&xcom_key=return_value');
    expect(second.body.xcom_entries.map((x) => [x.task_id, x.map_index])).toEqual([['part', 1]]);
  });

  it('answers 404 naming what is missing', async () => {
    expectProblem(await api.get(`${ti('alarm')}/xcomEntries/return_value`), 404, /'alarm' \(map_index -1\) .* has no XCom 'return_value'/);
    expectProblem(await api.get('/dags/ti_views/dagRuns/nope/taskInstances/stats/xcomEntries'), 404, /DAG run 'nope' not found/);
    expectProblem(await api.get('/dags/nope/dagRuns/~/taskInstances/~/xcomEntries'), 404, /DAG 'nope' not found/);
  });
});

describe('artifacts', () => {
  it('lists the files of a task instance with size, time and the type each is served with', async () => {
    const list = await api.as(viewer).get<{ artifacts: Json[]; total_entries: number }>(`${ti('stats')}/artifacts`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.artifacts.map((a) => [a.name, a.size, a.content_type])).toEqual([
      ['chart.svg', 101, 'image/svg+xml'],
      ['metrics.json', 11, 'application/json'],
      ['model.bin', 6, 'application/octet-stream'],
      ['notes über.txt', 18, 'text/plain; charset=utf-8'],
      ['report.html', 68, 'text/html; charset=utf-8'],
    ]);
    expect(Date.parse(list.body.artifacts[0]!.modified_at as string)).not.toBeNaN();
    const part = await api.get<{ artifacts: Json[] }>(`${ti('part')}/artifacts?map_index=1`);
    expect(part.body.artifacts.map((a) => a.name)).toEqual(['part.txt']);
    expect((await api.get<{ total_entries: number }>(`${ti('parts')}/artifacts`)).body.total_entries).toBe(0);
  });

  it('serves an HTML report and an SVG chart sandboxed, so their scripts cannot run as this site', async () => {
    for (const [name, type] of [['report.html', 'text/html; charset=utf-8'], ['chart.svg', 'image/svg+xml']] as const) {
      const res = await fetch(`${server.baseUrl}/api/v1${ti('stats')}/artifacts/${name}`, { headers: viewer });
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('x-content-type-options')).toMatch(/^nosniff/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/(^|[;,]\s*)sandbox(;|,|$)/);
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/allow-scripts|allow-same-origin|script-src/);
      expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="/);
      expect(await res.text()).toContain('<script>');
    }
  });

  it('serves other files with their type, anything unknown as an attachment, and names in UTF-8', async () => {
    const bin = await api.get(`${ti('stats')}/artifacts/model.bin`);
    expect(bin.status).toBe(200);
    expect(bin.contentType).toBe('application/octet-stream');
    const notes = await fetch(`${server.baseUrl}/api/v1${ti('stats')}/artifacts/${encodeURIComponent('notes über.txt')}`, { headers: server.auth });
    expect(notes.status).toBe(200);
    expect(notes.headers.get('content-disposition')).toBe(`inline; filename="notes uber.txt"; filename*=UTF-8''notes%20%C3%BCber.txt`);
    expect(await notes.text()).toBe('spaces and umlauts');
    const part = await api.get(`${ti('part')}/artifacts/part.txt?map_index=1`);
    expect(part.text).toBe('part b');
  });

  it('refuses names that would leave the folder, and reads nothing outside it', async () => {
    await writeFile(path.join(server.home, 'artifacts', 'ti_views', 'secret.txt'), 'outside the task folder');
    for (const name of ['..%2F..%2Fsecret.txt', '..%5C..%5Csecret.txt', '%2E%2E%2F%2E%2E%2Fsecret.txt', '..%2F..%2F..%2F..%2Fetc%2Fpasswd']) {
      const res = await api.get(`${ti('stats')}/artifacts/${name}`);
      const problem = expectProblem(res, 400, /is not the name of a file in the task instance's artifacts folder/);
      expect(problem.fields).toEqual([{ path: 'artifact_name', message: expect.stringMatching(/plain file name/) }]);
    }
  });

  it('answers 404 for a missing file, task instance or run, and 401 without credentials', async () => {
    expectProblem(await api.get(`${ti('stats')}/artifacts/absent.txt`), 404, /has no artifact 'absent.txt'/);
    expectProblem(await api.get(`${ti('part')}/artifacts/part.txt`), 404, /is mapped; add the map_index/);
    expectProblem(await api.get(`${ti('nope')}/artifacts`), 404, /Task 'nope' not found/);
    expectProblem(await api.get(`/dags/ti_views/dagRuns/nope/taskInstances/stats/artifacts`), 404, /DAG run 'nope' not found/);
    expectProblem(await api.as({}).get(`${ti('stats')}/artifacts/report.html`), 401, /./);
  });
});

describe('alerts', () => {
  it('lists the alert of a failed try with where it went and why it was not sent', async () => {
    const alerts = await until('the alarm alert', async () => {
      const r = await api.as(viewer).get<{ notifications: Json[]; total_entries: number }>(`${ti('alarm')}/notifications`);
      return r.body.total_entries > 0 && r.body;
    });
    expect(alerts.notifications).toEqual([
      expect.objectContaining({
        channel: 'none', kind: 'failure', recipient: null, dag_id: 'ti_views', dag_run_id: runId, task_id: 'alarm', map_index: -1,
        try_number: 1, status: 'skipped', attempts: 0, last_error: expect.stringMatching(/no alert channel/), sent_at: null,
      }),
    ]);
    expect((await api.get<{ total_entries: number }>(`${ti('stats')}/notifications`)).body.total_entries).toBe(0);
    expectProblem(await api.get('/dags/ti_views/dagRuns/nope/taskInstances/alarm/notifications'), 404, /DAG run 'nope' not found/);
  });
});

describe('datasets', () => {
  it('lists the assets DAGs produce and are scheduled on, with who produces and who consumes each', async () => {
    const list = await api.as(viewer).get<{ datasets: Json[]; total_entries: number }>('/datasets');
    expect(list.status, list.text).toBe(200);
    expect(list.body.total_entries).toBe(1);
    expect(list.body.datasets[0]).toMatchObject({
      uri: 'iris/drift',
      extra: null,
      producing_tasks: [expect.objectContaining({ dag_id: 'ti_views', task_id: 'stats' })],
      consuming_dags: [expect.objectContaining({ dag_id: 'on_drift' })],
    });
    expect((await api.get<{ total_entries: number }>('/datasets?uri_pattern=DRIFT&dag_ids=on_drift,other')).body.total_entries).toBe(1);
    expect((await api.get<{ total_entries: number }>('/datasets?uri_pattern=labels')).body.total_entries).toBe(0);
    expect((await api.get<{ total_entries: number }>('/datasets?order_by=-id')).body.total_entries).toBe(1);
    expectProblem(await api.get('/datasets?order_by=size'), 400, /Ordering with 'size' is disallowed/);
  });

  it("lists the asset's event with the producer's result as extra and the run it triggered", async () => {
    const events = await api.get<{ dataset_events: Json[]; total_entries: number }>('/datasets/events?source_dag_id=ti_views');
    expect(events.status, events.text).toBe(200);
    expect(events.body.dataset_events).toEqual([
      expect.objectContaining({
        dataset_uri: 'iris/drift', source_dag_id: 'ti_views', source_run_id: runId, source_task_id: 'stats', source_map_index: -1,
        extra: { ks: { sepal_length: 0.42, petal_width: 0.07 }, drift: true },
        created_dagruns: [expect.objectContaining({ dag_id: 'on_drift', state: 'success' })],
      }),
    ]);
    expect((await api.get<{ total_entries: number }>('/datasets/events?source_task_id=parts')).body.total_entries).toBe(0);
  });

  it('answers which events triggered a run, and 404 for a run that does not exist', async () => {
    const [triggered] = (await api.get<{ dag_runs: Json[] }>('/dags/on_drift/dagRuns')).body.dag_runs;
    const upstream = await api.as(viewer).get<{ dataset_events: Json[]; total_entries: number }>(
      `/dags/on_drift/dagRuns/${encodeURIComponent(triggered!.dag_run_id as string)}/upstreamDatasetEvents`,
    );
    expect(upstream.body.dataset_events.map((e) => [e.dataset_uri, e.source_run_id])).toEqual([['iris/drift', runId]]);
    expect((await api.get<{ total_entries: number }>(`/dags/ti_views/dagRuns/${encodeURIComponent(runId)}/upstreamDatasetEvents`)).body.total_entries).toBe(0);
    expectProblem(await api.get('/dags/on_drift/dagRuns/nope/upstreamDatasetEvents'), 404, /DAG run 'nope' not found/);
  });
});

describe('pages', () => {
  const page = async (p: string) => {
    const res = await fetch(`${server.baseUrl}${p}`, { headers: viewer });
    expect(res.status, p).toBe(200);
    return res.text();
  };
  const tiPage = (task: string, query = '') => page(`/dags/ti_views/runs/${encodeURIComponent(runId)}/tasks/${task}${query}`);

  it("shows a task instance's result, artifacts with their links, and its task doc as Markdown", async () => {
    const html = await tiPage('stats');
    expect(html).toMatch(/Result \(XCom\)/);
    expect(html).toMatch(/sepal_length(&quot;|")\s*:\s*0\.42/);
    expect(html).toContain(`taskInstances/stats/artifacts/report.html"`);
    expect(html).toContain(`taskInstances/stats/artifacts/notes%20%C3%BCber.txt"`);
    expect(html).toContain('<strong>KS statistic</strong>');
    expect(await tiPage('part', '?map_index=1')).toContain('taskInstances/part/artifacts/part.txt?map_index=1"');
  });

  it("lists a task instance's alerts", async () => {
    const html = await tiPage('alarm');
    expect(html).toMatch(/data-testid="alerts"/);
    expect(html).toMatch(/skipped/);
    expect(html).toMatch(/no alert channel/);
  });

  it('shows each asset with its producer, consumer, events and the runs they triggered, linked from the nav', async () => {
    const html = await page('/assets');
    expect(html).toContain('href="/assets"');
    expect(html).toContain('<code class="wrap">iris/drift</code>');
    expect(html).toContain('href="/dags/ti_views"');
    expect(html).toContain('href="/dags/on_drift"');
    expect(html).toContain(`href="/dags/ti_views?run_id=${encodeURIComponent(runId)}"`);
    expect(html).toContain(`href="/dags/ti_views/runs/${encodeURIComponent(runId)}/tasks/stats"`);
    expect(html).toMatch(/href="\/dags\/on_drift\?run_id=[^"]+"/);
    expect(html).toMatch(/sepal_length(&quot;|")\s*:\s*0\.42/);
    expect(await page('/assets?uri=nothing%2Fhere')).toContain('No DAG produces or consumes');
  });

  it("links an asset-triggered run to the run whose event triggered it, and that run to the runs it triggered", async () => {
    const consumer = await page('/dags/on_drift');
    expect(consumer).toMatch(/data-testid="run-triggered-by"/);
    expect(consumer).toContain(`href="/dags/ti_views?run_id=${encodeURIComponent(runId)}"`);
    const producer = await page(`/dags/ti_views?run_id=${encodeURIComponent(runId)}`);
    expect(producer).toMatch(/data-testid="run-asset-updates"/);
    expect(producer).toContain('href="/assets?uri=iris%2Fdrift"');
    expect(producer).toMatch(/href="\/dags\/on_drift\?run_id=[^"]+"/);
  });

  it('draws the DAG-dependencies graph from the producer through the asset to the DAG scheduled on it', async () => {
    const html = await page('/dag-dependencies');
    expect(html).toContain('<h1>DAG dependencies</h1>');
    // The server renders the nodes (hidden until the browser measures them; edges are drawn there, see below).
    for (const id of ['dag:ti_views', 'asset:iris/drift', 'dag:on_drift']) expect(html).toContain(`data-id="${id}"`);
  });

  it('renders the DAG doc as Markdown with its script as text and its javascript: link without a target', async () => {
    for (const html of [await page('/dags/ti_views/details'), await page('/dags/ti_views')]) {
      expect(html).toContain('<h1>Drift report</h1>');
      expect(html).toContain('<a href="https://example.com/guide">the guide</a>');
      expect(html).toContain('&lt;script&gt;window.pwned = 1&lt;/script&gt;');
      expect(html).not.toContain('<script>window.pwned');
      expect(html).toContain('<a href="">click</a>');
      expect(html).not.toMatch(/href="javascript:/i);
    }
  });
});

describe('coverage', () => {
  it('every documented task-instance output and dataset operation was exercised with its success status', () => {
    expect(unexercisedOperations(api, isRunOutputPath)).toEqual([]);
  });
});

describe('in a browser', () => {
  it('opens an HTML report with no script run and no access to this site, and draws the DAG-dependencies graph', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    await signIn(page, server.baseUrl, 'admin', server.adminPassword);

    await page.goto(`${server.baseUrl}/api/v1${ti('stats')}/artifacts/report.html`);
    expect(await page.locator('h1').textContent()).toBe('Drift');
    expect(await page.title()).not.toBe('ran');
    expect(await page.evaluate(() => window.origin)).toBe('null');

    await page.goto(`${server.baseUrl}/dag-dependencies`);
    const canvas = page.locator('[data-testid="dag-dependencies"]');
    await canvas.locator('.react-flow__node').nth(2).waitFor();
    expect(await canvas.locator('.react-flow__node').count()).toBe(3);
    expect(await canvas.locator('.react-flow__edge').count()).toBe(2);
    await Promise.all([page.waitForURL(/\/assets\?uri=iris%2Fdrift$/), canvas.locator('[data-node-kind="asset"]').click()]);
    await page.locator('[data-testid="asset"][data-uri="iris/drift"]').waitFor();
  }, 120_000);
});
