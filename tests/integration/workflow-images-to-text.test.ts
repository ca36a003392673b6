// The shipped images_to_text → text_to_model pair in the real runtime (runner processes, real sharp and Tesseract
// OCR on the bundled images), with both hand-offs: the external-task sensor and triggerDag with conf.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskArtifactDir } from '../../lib/artifacts/artifact-paths';
import { openOcrReader } from '../../lib/ocr/ocr-reader';
import type { Runtime } from '../../lib/runtime/start-runtime';
import { setPaused } from '../../lib/store/dag-admin';
import { makeDagFolder } from '../support/dag-folder';
import { ShiftedClock } from '../support/fake-clock';
import { startTestRuntime, taskError, trigger, waitForRun, waitForTask } from '../support/runtime-harness';

const WORKFLOWS = path.resolve(__dirname, '../../workflows');
const IMAGES = path.join(WORKFLOWS, 'data/ocr');
const RUN_TIMEOUT = 40_000;
const clock = new ShiftedClock();

let rt: Runtime & { home: string };
let server: http.Server;
let baseUrl: string;
const served: string[] = [];

beforeAll(async () => {
  // Only these two DAGs, re-exported from workflows/ so they import lib/ and find their images as when shipped.
  const folder = await makeDagFolder();
  for (const file of ['images_to_text.ts', 'text_to_model.ts']) {
    await writeFile(path.join(folder, file), `export { default } from ${JSON.stringify(path.join(WORKFLOWS, file))};\n`);
  }
  server = http.createServer((req, res) => {
    served.push(req.url ?? '');
    const name = path.basename(req.url ?? '');
    if (name === 'not-an-image.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end('this is plain text, not a PNG');
    readFile(path.join(IMAGES, name)).then(
      (body) => res.writeHead(200, { 'content-type': 'image/png' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rt = await startTestRuntime(folder, {}, { clock });
  // Both are paused when first created, as in Airflow; a paused DAG's queued runs wait.
  for (const dagId of ['images_to_text', 'text_to_model']) await setPaused(rt.db.sql, dagId, false);
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

const xcom = async <T>(dagId: string, runId: string, taskId: string): Promise<T> => {
  const [row] = await rt.db.sql.query<{ value: T }>(`SELECT value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = $3`, [dagId, runId, taskId]);
  return row!.value;
};

const states = async (dagId: string, runId: string) =>
  Object.fromEntries(
    (await rt.db.sql.query<{ task_id: string; state: string }>(`SELECT task_id, state FROM task_instance WHERE dag_id = $1 AND run_id = $2`, [dagId, runId]))
      .map((r) => [r.task_id, r.state]),
  );

const logLines = async (dagId: string, runId: string, taskId: string) =>
  (await rt.db.sql.query<{ line: string }>(
    `SELECT l.line FROM task_log l JOIN task_instance ti ON ti.id = l.ti_id WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = $3 ORDER BY l.id`,
    [dagId, runId, taskId],
  )).map((r) => r.line);

const artifacts = (dagId: string, runId: string, taskId: string) => taskArtifactDir(rt.home, { dagId, runId, taskId, mapIndex: -1 });

interface Page { image: string; text: string; confidence: number }

describe('images_to_text → text_to_model', () => {
  it('reads the bundled images with OCR; text_to_model waits at its sensor for the same logical date, then charts and trains', async () => {
    const logicalDate = new Date('2026-03-01T00:00:00Z');
    const modelRun = await trigger(rt, 'text_to_model', { logicalDate });
    // The sensor is waiting for a run that does not exist yet, in reschedule mode: holding no slot between pokes.
    await waitForTask(rt, 'text_to_model', modelRun, 'wait_for_text', 'up_for_reschedule', RUN_TIMEOUT);
    expect((await logLines('text_to_model', modelRun, 'wait_for_text')).join('\n')).toContain('still waiting for images_to_text.extract_text at 2026-03-01T00:00:00.000Z');
    const textRun = await trigger(rt, 'images_to_text', { logicalDate });
    expect(textRun).toBe(modelRun);

    expect(await waitForRun(rt, 'images_to_text', textRun, RUN_TIMEOUT)).toBe('success');
    const text = await xcom<{ pages: Page[]; words: number; textFile: string }>('images_to_text', textRun, 'extract_text');
    expect(text.pages.map((p) => p.image)).toEqual(['weather.png', 'kitchen.png', 'football.png']);
    const byImage = Object.fromEntries(text.pages.map((p) => [p.image, p.text.toLowerCase()]));
    for (const word of ['rain', 'harbour', 'friday']) expect(byImage['weather.png']).toContain(word);
    for (const word of ['butter', 'oven', 'onions']) expect(byImage['kitchen.png']).toContain(word);
    for (const word of ['striker', 'goal', 'penalty']) expect(byImage['football.png']).toContain(word);
    expect(text.textFile).toBe(path.join(artifacts('images_to_text', textRun, 'extract_text'), 'text.json'));
    expect(JSON.parse(await readFile(text.textFile, 'utf8'))).toEqual(text.pages);
    expect((await stat(path.join(artifacts('images_to_text', textRun, 'process_images'), 'kitchen.png'))).size).toBeGreaterThan(0);
    // The sensor hand-off triggers nothing from here.
    expect(await states('images_to_text', textRun)).toMatchObject({ handoff_conf: 'success', trigger_text_to_model: 'skipped' });

    // The next poke, a minute later, finds extract_text done.
    clock.advance(60_000);
    expect(await waitForRun(rt, 'text_to_model', modelRun, RUN_TIMEOUT)).toBe('success');
    const corpus = await xcom<{ source: string; textRunId: string; frequencies: Array<{ word: string; count: number }> }>('text_to_model', modelRun, 'transform');
    expect(corpus).toMatchObject({ source: 'xcom', textRunId: textRun });
    expect(corpus.frequencies.slice(0, 3).map((f) => f.word)).toContain('rain');
    const chart = await xcom<{ chart: string; bars: number }>('text_to_model', modelRun, 'visualise');
    expect(chart.chart).toBe(path.join(artifacts('text_to_model', modelRun, 'visualise'), 'word-frequency.svg'));
    const svg = await readFile(chart.chart, 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('>butter</text>');
    const trained = await xcom<{ model: string; labels: string[]; samples: number; leaveOneOutAccuracy: number }>('text_to_model', modelRun, 'train');
    expect(trained).toMatchObject({ labels: ['football', 'kitchen', 'weather'], samples: 12 });
    expect(trained.leaveOneOutAccuracy).toBeGreaterThan(1 / 3);
    expect(JSON.parse(await readFile(trained.model, 'utf8')).labels).toEqual(['football', 'kitchen', 'weather']);
    // One text_to_model run for the date: the sensor's.
    expect(await rt.db.sql.query(`SELECT run_id FROM dag_run WHERE dag_id = 'text_to_model'`)).toEqual([{ run_id: modelRun }]);
  }, 90_000);

  it('downloads over HTTP and, with handoff "trigger", triggers text_to_model with the text as conf at its own logical date', async () => {
    const logicalDate = new Date('2026-03-02T00:00:00Z');
    const image_urls = [`${baseUrl}/ocr/weather.png`, `${baseUrl}/ocr/football.png`];
    const textRun = await trigger(rt, 'images_to_text', { logicalDate, runId: 'http_and_trigger', conf: { image_urls, handoff: 'trigger' } });
    expect(await waitForRun(rt, 'images_to_text', textRun, RUN_TIMEOUT)).toBe('success');
    expect(served).toEqual(expect.arrayContaining(['/ocr/weather.png', '/ocr/football.png']));

    const modelRun = `triggered__images_to_text__${textRun}`;
    expect(await xcom('images_to_text', textRun, 'trigger_text_to_model')).toEqual({ dag_id: 'text_to_model', dag_run_id: modelRun });
    expect(await waitForRun(rt, 'text_to_model', modelRun, RUN_TIMEOUT)).toBe('success');
    const [run] = await rt.db.sql.query<{ conf: { text_run_id: string; pages: Page[] }; logical_date: Date }>(
      `SELECT conf, logical_date FROM dag_run WHERE dag_id = 'text_to_model' AND run_id = $1`, [modelRun]);
    expect(run!.logical_date.toISOString()).toBe(logicalDate.toISOString());
    expect(run!.conf.text_run_id).toBe(textRun);
    expect(run!.conf.pages.map((p) => p.image)).toEqual(['weather.png', 'football.png']);
    expect(run!.conf.pages[1]!.text.toLowerCase()).toContain('penalty');
    // Same logical date: the sensor found extract_text done at its first poke.
    expect((await logLines('text_to_model', modelRun, 'wait_for_text')).filter((l) => l.includes('still waiting'))).toEqual([]);
    expect(await xcom('text_to_model', modelRun, 'transform')).toMatchObject({ source: 'conf', textRunId: textRun });
    expect(await xcom('text_to_model', modelRun, 'train')).toMatchObject({ labels: ['football', 'weather'], samples: 8 });
  }, 60_000);

  it('fails download_images at once on a missing image, naming it; nothing after it runs', async () => {
    const missing = pathToFileURL(path.join(IMAGES, 'missing.png')).href;
    const runId = await trigger(rt, 'images_to_text', { runId: 'missing_image', conf: { image_urls: [missing] } });
    expect(await waitForRun(rt, 'images_to_text', runId, RUN_TIMEOUT)).toBe('failed');
    expect(await taskError(rt, 'images_to_text', runId, 'download_images')).toContain(`image ${missing}: no such file`);
    expect(await states('images_to_text', runId)).toEqual({
      download_images: 'failed', process_images: 'upstream_failed', extract_text: 'upstream_failed',
      handoff_conf: 'upstream_failed', trigger_text_to_model: 'upstream_failed',
    });
  }, 60_000);

  it('fails process_images on a file that is not an image, and download_images on a 404, without retrying', async () => {
    const garbage = await trigger(rt, 'images_to_text', { runId: 'not_an_image', conf: { image_urls: [`${baseUrl}/x/not-an-image.png`] } });
    const gone = await trigger(rt, 'images_to_text', { runId: 'http_404', conf: { image_urls: [`${baseUrl}/x/gone.png`] } });
    expect(await waitForRun(rt, 'images_to_text', garbage, RUN_TIMEOUT)).toBe('failed');
    expect(await waitForRun(rt, 'images_to_text', gone, RUN_TIMEOUT)).toBe('failed');
    expect(await taskError(rt, 'images_to_text', garbage, 'process_images')).toMatch(/not-an-image\.png is not an image sharp can read: .*unsupported image format/);
    expect(await taskError(rt, 'images_to_text', gone, 'download_images')).toContain(`GET ${baseUrl}/x/gone.png answered 404 Not Found`);
    const unfinished = await rt.db.sql.query(
      `SELECT dag_id, run_id, task_id, state FROM task_instance WHERE state NOT IN ('success', 'failed', 'skipped', 'upstream_failed')`);
    expect(unfinished).toEqual([]);
  }, 60_000);
});

describe('OCR without its language data', () => {
  it('fails with a message that says what to install', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'ff-no-ocr-model-'));
    try {
      await expect(openOcrReader(empty)).rejects.toThrow(/OCR language data missing: .*eng\.traineddata\.gz does not exist; .*npm install .*@tesseract\.js-data\/eng/);
    } finally {
      await rm(empty, { recursive: true });
    }
  });
});
