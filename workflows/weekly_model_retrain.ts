// Every week: fetch the Iris data over FTP with a shell script, clean and split it, train a random forest, and
// write an HTML report. Each step runs only if the one before it succeeded; each is retried once after 5 minutes,
// and the people in variable `ml_alert_emails` are mailed on every retry and every failure.
// Walkthrough: docs/examples/weekly-model-retrain.md.
import path from 'node:path';
import { dag, NonRetriableError, z } from 'flashflow';
import { flowerSchema } from '../lib/ml/iris-csv';
import { saveModel, saveReport } from '../lib/ml/model-artifacts';
import { modelMetricsSchema, trainForest } from '../lib/ml/random-forest-model';
import { readIrisFile } from '../lib/ml/read-iris-file';
import { trainTestSplit } from '../lib/ml/train-test-split';
import { ftpDownload } from './scripts/ftp-download';

/** The lowest test accuracy a new model may have; a variable, so the bar moves without a deploy. */
const MIN_ACCURACY_VARIABLE = 'weekly_model_retrain_min_accuracy';
const DEFAULT_MIN_ACCURACY = 0.8;

const retrain = dag({
  dagId: 'weekly_model_retrain',
  description: 'Download over FTP, preprocess, train a random forest on Iris, report; every week',
  schedule: '@weekly',
  startDate: '2026-01-04',
  catchup: false,
  // Airflow's default: a new install does not start fetching from an FTP server nobody has started yet.
  isPausedUponCreation: true,
  tags: ['example', 'ml'],
  doc: `Retrains the Iris classifier every week.

1. **download**: \`workflows/scripts/ftp-download.sh\` fetches \`iris/iris.csv\` with curl from connection \`ftp_default\`
   (by default the server \`flashflow demo ftp\` starts on 127.0.0.1:2121).
2. **preprocess**: parses and cleans the CSV (a bad line stops the run, naming the line) and splits it into training
   and test flowers with a fixed seed.
3. **train**: a random forest; the model and its metrics are saved as artifacts. It fails below the accuracy in
   variable \`${MIN_ACCURACY_VARIABLE}\` (default ${DEFAULT_MIN_ACCURACY}).
4. **report**: an HTML report (accuracy, confusion matrix, chart), opened from the task's page.

Alerts: set variable \`ml_alert_emails\` to the addresses to mail (comma-separated) and configure SMTP.`,
  params: z.object({
    test_fraction: z.number().gt(0).lt(1).default(0.3),
    seed: z.number().int().default(42),
    trees: z.number().int().min(1).max(500).default(25),
  }),
  defaultArgs: {
    owner: 'data-team',
    retries: 1,
    retryDelay: '5m',
    email: { variable: 'ml_alert_emails' },
    emailOnFailure: true,
    emailOnRetry: true,
    executionTimeout: '30m',
  },
});

// The script prints the folder it saved the files to; that line is the task's result.
const download = retrain.task('download', ftpDownload(['iris/iris.csv']));

const preprocess = retrain.task('preprocess', {
  inputs: { folder: download },
  output: z.object({ train: z.array(flowerSchema), test: z.array(flowerSchema), dropped: z.number().int() }),
}, async ({ inputs, params, log }) => {
  if (!inputs.folder) throw new NonRetriableError('download printed no folder');
  const parsed = await readIrisFile(path.join(inputs.folder, 'iris.csv'));
  const { train, test } = trainTestSplit(parsed.flowers, params.test_fraction, params.seed);
  log.info(`${parsed.flowers.length} flowers (${parsed.dropped} blank or duplicate lines dropped): ${train.length} to train, ${test.length} to test`);
  return { train, test, dropped: parsed.dropped };
});

const train = retrain.task('train', {
  inputs: { data: preprocess },
  output: z.object({ metrics: modelMetricsSchema, model_path: z.string(), metrics_path: z.string() }),
}, async ({ inputs, params, services, artifactsDir, log }) => {
  const trained = trainForest(inputs.data.train, inputs.data.test, { seed: params.seed, trees: params.trees });
  const { metrics } = trained;
  const paths = await saveModel(artifactsDir, trained);
  const floor = Number((await services.variables.get({ key: MIN_ACCURACY_VARIABLE })) ?? DEFAULT_MIN_ACCURACY);
  log.info(`accuracy ${(metrics.accuracy * 100).toFixed(1)} % on ${metrics.test_size} test flowers (floor ${floor * 100} %)`);
  if (!(metrics.accuracy >= floor)) {
    throw new Error(`the model's accuracy ${(metrics.accuracy * 100).toFixed(1)} % is below the floor of ${floor * 100} % (variable ${MIN_ACCURACY_VARIABLE})`);
  }
  return { metrics, ...paths };
});

retrain.task('report', { inputs: { trained: train } }, async ({ inputs, runId, dataIntervalStart, artifactsDir }) => {
  const reportPath = await saveReport(artifactsDir, {
    title: 'Weekly Iris model',
    context: [`Run ${runId}, week of ${dataIntervalStart.toISOString().slice(0, 10)}.`, `Model: ${inputs.trained.model_path}`],
    metrics: inputs.trained.metrics,
  });
  return { report_path: reportPath, accuracy: inputs.trained.metrics.accuracy };
});

export default retrain;
