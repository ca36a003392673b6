// Images → text with real OCR, the first half of the tutorial's cross-DAG example (docs/examples/images-to-text.md).
// text_to_model picks the text up either way Airflow users know: its external-task sensor waits for extract_text at
// the same logical date (the default), or, with `handoff: "trigger"`, the last task here triggers it with the text.
import { dag, triggerDag, z } from 'flashflow';
import { extractedTextSchema, writeExtractedText } from '../lib/ocr/extracted-text';
import { fetchedImageSchema, fetchImages } from '../lib/ocr/fetch-images';
import { englishModelDir, openOcrReader } from '../lib/ocr/ocr-reader';
import { prepareForOcr, preparedImageSchema } from '../lib/ocr/prepare-for-ocr';

/** The sample images shipped beside this file (scripts/render-ocr-samples.mjs draws them). */
const BUNDLED_IMAGES = ['weather', 'kitchen', 'football'].map((name) => new URL(`./data/ocr/${name}.png`, import.meta.url).href);

const params = z.object({
  /** http(s):// URLs are downloaded with a GET; file:// URLs are copied. */
  image_urls: z.array(z.url({ protocol: /^(https?|file)$/ })).min(1).max(50).default(BUNDLED_IMAGES),
  resize_width: z.number().int().min(100).max(4000).default(1000),
  /** Gray level that splits black from white; null keeps the grays (better for photos with uneven light). */
  threshold: z.number().int().min(1).max(254).nullable().default(160),
  /** 'sensor': text_to_model's sensor finds extract_text; 'trigger': this DAG triggers text_to_model with the text. */
  handoff: z.enum(['sensor', 'trigger']).default('sensor'),
});

const images = dag({
  dagId: 'images_to_text',
  description: 'Download images, clean them up with sharp and read their text with Tesseract OCR',
  // The same schedule as text_to_model, so each day's runs of the two share a logical date for its sensor.
  schedule: '@daily',
  startDate: '2026-01-01',
  catchup: false,
  // Airflow's default: nothing runs on a schedule until someone switches it on (the walkthrough says when).
  isPausedUponCreation: true,
  tags: ['example', 'ocr', 'cross-dag'],
  params,
  defaultArgs: { owner: 'data-team', retries: 1, retryDelay: '1m', executionTimeout: '10m' },
  doc: 'params: image_urls (http, https or file URLs; the bundled samples by default), resize_width, threshold, handoff (sensor | trigger)',
});

const download = images.task('download_images', { output: z.array(fetchedImageSchema) }, ({ params: p, artifactsDir, signal, log }) => {
  log.info(`fetching ${p.image_urls.length} image(s)`);
  return fetchImages(p.image_urls, artifactsDir, signal);
});

const processed = images.task(
  'process_images',
  { inputs: { images: download }, output: z.array(preparedImageSchema) },
  async ({ inputs, params: p, artifactsDir, log }) => {
    const prepared = [];
    for (const image of inputs.images) {
      const out = await prepareForOcr(image, artifactsDir, { width: p.resize_width, threshold: p.threshold });
      log.info(`${image.name}: ${out.width}×${out.height}, grayscale${p.threshold === null ? '' : `, threshold ${p.threshold}`}`);
      prepared.push(out);
    }
    return prepared;
  },
);

const extract = images.task('extract_text', { inputs: { images: processed }, output: extractedTextSchema }, async ({ inputs, artifactsDir, signal, log }) => {
  const reader = await openOcrReader(englishModelDir());
  try {
    const pages = [];
    for (const image of inputs.images) {
      signal.throwIfAborted();
      const { text, confidence } = await reader.read(image.path);
      log.info(`${image.name}: ${text.split('\n').length} line(s), confidence ${confidence}`);
      pages.push({ image: image.name, text, confidence });
    }
    return await writeExtractedText(artifactsDir, pages);
  } finally {
    await reader.close();
  }
});

// A falsy result skips what follows: with the sensor hand-off (the default) nothing is triggered from here.
const handoffConf = images.shortCircuit('handoff_conf', { inputs: { text: extract } }, ({ inputs, params: p, runId }) =>
  p.handoff === 'trigger' ? { text_run_id: runId, pages: inputs.text.pages } : null,
);

// The triggered run gets this run's logical date, so its wait_for_text sensor finds extract_text done at once.
images.task('trigger_text_to_model', { inputs: { conf: handoffConf } }, triggerDag({ dagId: 'text_to_model', sameLogicalDate: true }));

export default images;
