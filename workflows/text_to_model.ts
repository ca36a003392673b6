// Text → a word chart and a small model, the second half of the tutorial's cross-DAG example
// (docs/examples/images-to-text.md). Its first task waits for images_to_text's extract_text at the same logical date.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dag, externalTaskSensor, NonRetriableError, z } from 'flashflow';
import { extractedTextSchema, ocrPageSchema } from '../lib/ocr/extracted-text';
import { buildCorpus, corpusSchema } from '../lib/text-model/corpus';
import { leaveOneOut, trainNaiveBayes } from '../lib/text-model/naive-bayes';
import { wordFrequencySvg } from '../lib/text-model/word-frequency-chart';

const SOURCE_DAG = 'images_to_text';
const SOURCE_TASK = 'extract_text';

const params = z.object({
  /** Set by images_to_text's trigger hand-off: its run, and the text it read. Absent on scheduled runs. */
  text_run_id: z.string().optional(),
  pages: z.array(ocrPageSchema).optional(),
  top_words: z.number().int().min(3).max(50).default(15),
});

const model = dag({
  dagId: 'text_to_model',
  description: 'Chart the words of the text images_to_text read, and train a classifier on it',
  // images_to_text's schedule: a run here and its run there share a logical date, which the sensor matches on.
  schedule: '@daily',
  startDate: '2026-01-01',
  catchup: false,
  isPausedUponCreation: true,
  tags: ['example', 'ml', 'cross-dag'],
  params,
  defaultArgs: { owner: 'data-team', retries: 1, retryDelay: '1m', executionTimeout: '10m' },
  doc: 'Waits for images_to_text.extract_text at its logical date, or takes the text from the conf images_to_text triggers it with.',
});

// Reschedule mode: between pokes the try waits up_for_reschedule and holds no slot, for up to the 6 h timeout.
const waitForText = model.task(
  'wait_for_text',
  externalTaskSensor({ externalDagId: SOURCE_DAG, externalTaskId: SOURCE_TASK, mode: 'reschedule', pokeInterval: '1m', timeout: '6h' }),
);

const transform = model.task(
  'transform',
  { output: corpusSchema.extend({ source: z.enum(['conf', 'xcom']), textRunId: z.string() }) },
  async ({ params: p, logicalDate, services, artifactsDir, log }) => {
    // Triggered: the text came with the conf. Otherwise it is the result of extract_text in the images_to_text run
    // of this run's logical date, the run the sensor waited for (Airflow's xcom_pull with a dag_id).
    const fromConf = p.pages !== undefined;
    let pages = p.pages;
    let textRunId = p.text_run_id ?? '';
    if (pages === undefined) {
      const found = await services.tasks.result({ dagId: SOURCE_DAG, taskId: SOURCE_TASK, logicalDate });
      const text = extractedTextSchema.safeParse(found?.value);
      if (!found || !text.success) {
        throw new NonRetriableError(`${SOURCE_DAG}.${SOURCE_TASK} left no text at ${logicalDate.toISOString()}: trigger ${SOURCE_DAG} for this logical date, or use its handoff "trigger"`);
      }
      pages = text.data.pages;
      textRunId = found.run_id;
    }
    const corpus = buildCorpus(pages);
    await mkdir(artifactsDir, { recursive: true });
    await writeFile(path.join(artifactsDir, 'corpus.json'), `${JSON.stringify(corpus, null, 2)}\n`);
    log.info(`${pages.length} page(s) from ${fromConf ? 'the conf' : 'the result'} of ${SOURCE_DAG} run ${textRunId}: ${corpus.samples.length} line(s), ${corpus.frequencies.length} distinct word(s)`);
    return { ...corpus, source: fromConf ? ('conf' as const) : ('xcom' as const), textRunId };
  },
);
waitForText.then(transform);

const visualise = model.task('visualise', { inputs: { corpus: transform } }, async ({ inputs, params: p, artifactsDir }) => {
  const bars = inputs.corpus.frequencies.slice(0, p.top_words);
  const chart = path.join(artifactsDir, 'word-frequency.svg');
  await mkdir(artifactsDir, { recursive: true });
  await writeFile(chart, wordFrequencySvg(bars, `Most frequent words in ${SOURCE_DAG} run ${inputs.corpus.textRunId}`));
  return { chart, bars: bars.length };
});

// After the chart in the order the tutorial draws it; the data comes straight from transform.
const train = model.task('train', { inputs: { corpus: transform } }, async ({ inputs, artifactsDir, log }) => {
  const { samples } = inputs.corpus;
  const labels = new Set(samples.map((s) => s.label));
  if (labels.size < 2) throw new NonRetriableError(`nothing to learn: the text has lines from ${labels.size} image(s), a classifier needs two or more`);
  const evaluation = leaveOneOut(samples);
  const trained = trainNaiveBayes(samples);
  await mkdir(artifactsDir, { recursive: true });
  const modelFile = path.join(artifactsDir, 'model.json');
  await writeFile(modelFile, `${JSON.stringify(trained)}\n`);
  await writeFile(path.join(artifactsDir, 'evaluation.json'), `${JSON.stringify(evaluation, null, 2)}\n`);
  log.info(`naive Bayes over ${trained.vocabulary.length} words and ${labels.size} labels: leave-one-out ${evaluation.correct}/${evaluation.total}`);
  return { model: modelFile, labels: trained.labels, samples: samples.length, leaveOneOutAccuracy: evaluation.accuracy };
});

visualise.then(train);

export default model;
