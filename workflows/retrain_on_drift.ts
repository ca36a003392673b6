// Runs when data_drift_detection finds drift (it is scheduled on asset `iris/drift`, never on a clock): reads the
// drifted batch through the asset event that triggered it, retrains on the reference plus the batch, and reports.
// Walkthrough: docs/examples/drift-retraining.md.
import { dag, NonRetriableError, z } from 'flashflow';
import { driftEventSchema, IRIS_DRIFT_ASSET } from '../lib/ml/drift-event';
import { flowerSchema } from '../lib/ml/iris-csv';
import { saveModel, saveReport } from '../lib/ml/model-artifacts';
import { modelMetricsSchema, trainForest } from '../lib/ml/random-forest-model';
import { readIrisFile } from '../lib/ml/read-iris-file';
import { trainTestSplit } from '../lib/ml/train-test-split';

const retrain = dag({
  dagId: 'retrain_on_drift',
  description: 'Retrain the Iris model on the drifted batch that data_drift_detection found',
  schedule: { assets: [IRIS_DRIFT_ASSET] },
  tags: ['example', 'ml', 'drift'],
  doc: `Scheduled on asset \`${IRIS_DRIFT_ASSET}\`: it runs once for each update, that is each time
**data_drift_detection** finds drift. \`read_batch\` takes the batch's location from the asset event (its \`extra\`),
so the two DAGs share no hard-coded path; the run's page links to the data_drift_detection run that caused it.`,
  params: z.object({
    test_fraction: z.number().gt(0).lt(1).default(0.3),
    seed: z.number().int().default(42),
    trees: z.number().int().min(1).max(500).default(25),
  }),
  defaultArgs: { owner: 'data-team', retries: 1, retryDelay: '5m', email: { variable: 'ml_alert_emails' } },
});

const readBatch = retrain.task('read_batch', {
  output: z.object({ event: driftEventSchema, source_dag_id: z.string().nullable(), train: z.array(flowerSchema), test: z.array(flowerSchema) }),
}, async ({ services, params, log }) => {
  const events = (await services.assets.triggeringEvents({})).filter((e) => e.uri === IRIS_DRIFT_ASSET);
  const latest = events.at(-1);
  if (!latest) {
    throw new NonRetriableError(
      `this run was not triggered by an update of ${IRIS_DRIFT_ASSET}: retrain_on_drift retrains on the batch that ` +
        'data_drift_detection found drifted, so trigger data_drift_detection (e.g. with {"batch": "drifted"}) instead',
    );
  }
  const parsed = driftEventSchema.safeParse(latest.extra);
  if (!parsed.success) throw new NonRetriableError(`the ${IRIS_DRIFT_ASSET} event from ${latest.source_run_id} does not carry a batch: ${parsed.error.message}`);
  const event = parsed.data;
  const [reference, batch] = await Promise.all([readIrisFile(event.reference_path), readIrisFile(event.batch_path)]);
  log.info(`batch '${event.batch}' from ${latest.source_dag_id} run ${latest.source_run_id}; drifted: ${event.statistics.drifted_features.join(', ')}`);
  const split = trainTestSplit([...reference.flowers, ...batch.flowers], params.test_fraction, params.seed);
  return { event, source_dag_id: latest.source_dag_id, ...split };
});

const train = retrain.task('train', {
  inputs: { data: readBatch },
  output: z.object({ metrics: modelMetricsSchema, model_path: z.string(), metrics_path: z.string() }),
}, async ({ inputs, params, artifactsDir, log }) => {
  const trained = trainForest(inputs.data.train, inputs.data.test, { seed: params.seed, trees: params.trees });
  log.info(`accuracy ${(trained.metrics.accuracy * 100).toFixed(1)} % on ${trained.metrics.test_size} test flowers`);
  return { metrics: trained.metrics, ...(await saveModel(artifactsDir, trained)) };
});

retrain.task('report', { inputs: { trained: train, data: readBatch } }, async ({ inputs, runId, artifactsDir }) => {
  const { event } = inputs.data;
  const reportPath = await saveReport(artifactsDir, {
    title: 'Iris model retrained on drift',
    context: [
      `Run ${runId}, triggered by ${inputs.data.source_dag_id ?? 'an unknown DAG'} run ${event.detected_in_run}.`,
      `Batch '${event.batch}' drifted in: ${event.statistics.drifted_features.join(', ')}.`,
    ],
    metrics: inputs.trained.metrics,
  });
  return { report_path: reportPath, accuracy: inputs.trained.metrics.accuracy };
});

export default retrain;
