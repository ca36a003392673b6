// Every week: fetch the reference Iris data and the week's batch over FTP, test each feature for drift (KS and PSI),
// and only when something drifted update asset `iris/drift`, whose event carries where the batch is and the
// statistics. retrain_on_drift is scheduled on that asset. Paused when first created: switch it on in the UI.
// Walkthrough: docs/examples/drift-retraining.md.
import path from 'node:path';
import { dag, NonRetriableError, SkipTaskError, z } from 'flashflow';
import { driftReportSchema, detectFeatureDrift } from '../lib/ml/feature-drift';
import { flowerSchema } from '../lib/ml/iris-csv';
import { readIrisFile } from '../lib/ml/read-iris-file';
import { driftEventSchema, IRIS_DRIFT_ASSET } from '../lib/ml/drift-event';
import { ftpDownload } from './scripts/ftp-download';

const detection = dag({
  dagId: 'data_drift_detection',
  description: "Test the week's Iris batch for drift against the reference data; update iris/drift when it drifted",
  schedule: '@weekly',
  startDate: '2026-01-04',
  catchup: false,
  isPausedUponCreation: true,
  tags: ['example', 'ml', 'drift'],
  doc: `Tests this week's batch of flowers against the reference set, feature by feature.

- A feature has drifted when the two-sample **Kolmogorov–Smirnov** test's p-value is below \`ks_p_value\`, or its
  **PSI** (population stability index over the reference's deciles) is above \`psi_threshold\`.
- The statistics are this run's result (see the \`detect_drift\` task).
- Only when a feature drifted does \`publish_drift\` update the asset \`${IRIS_DRIFT_ASSET}\`, which runs
  **retrain_on_drift**. No drift: \`publish_drift\` is skipped and nothing else runs.

The batch is \`iris/batches/<batch>.csv\` on connection \`ftp_default\`: \`flashflow demo ftp\` serves \`latest\` (no drift)
and \`drifted\`. The DAG starts **paused**: switch it on to let the weekly schedule run it.`,
  params: z.object({
    batch: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a file name without extension: letters, digits, - and _').default('latest'),
    ks_p_value: z.number().gt(0).lt(1).default(0.01),
    psi_threshold: z.number().gt(0).max(10).default(0.25),
  }),
  defaultArgs: { owner: 'data-team', retries: 1, retryDelay: '5m', email: { variable: 'ml_alert_emails' } },
});

const download = detection.task('download', ftpDownload(['iris/iris.csv', 'iris/batches/"${FLASHFLOW_PARAM_BATCH}.csv"']));

const preprocess = detection.task('preprocess', {
  inputs: { folder: download },
  output: z.object({ reference: z.array(flowerSchema), batch: z.array(flowerSchema), batch_path: z.string(), reference_path: z.string() }),
}, async ({ inputs, params, log }) => {
  if (!inputs.folder) throw new NonRetriableError('download printed no folder');
  const referencePath = path.join(inputs.folder, 'iris.csv');
  const batchPath = path.join(inputs.folder, `${params.batch}.csv`);
  const [reference, batch] = await Promise.all([readIrisFile(referencePath), readIrisFile(batchPath)]);
  log.info(`reference: ${reference.flowers.length} flowers; batch '${params.batch}': ${batch.flowers.length} flowers`);
  return { reference: reference.flowers, batch: batch.flowers, batch_path: batchPath, reference_path: referencePath };
});

const detect = detection.task('detect_drift', {
  inputs: { data: preprocess },
  output: driftReportSchema,
}, ({ inputs, params, log }) => {
  const report = detectFeatureDrift(inputs.data.reference, inputs.data.batch, { ks_p_value: params.ks_p_value, psi: params.psi_threshold });
  for (const f of report.features) {
    log.info(`${f.feature}: KS ${f.ks_statistic} (p ${f.ks_p_value}), PSI ${f.psi}${f.drifted ? ' → drifted' : ''}`);
  }
  return report;
});

// The event's extra is this task's result: retrain_on_drift reads the batch from it, never from a fixed path.
detection.task('publish_drift', {
  inputs: { report: detect, data: preprocess },
  outlets: [IRIS_DRIFT_ASSET],
  output: driftEventSchema,
}, ({ inputs, params, runId }) => {
  if (!inputs.report.drift) throw new SkipTaskError(`no drift in batch '${params.batch}': ${IRIS_DRIFT_ASSET} is not updated`);
  return {
    batch: params.batch,
    batch_path: inputs.data.batch_path,
    reference_path: inputs.data.reference_path,
    detected_in_run: runId,
    statistics: inputs.report,
  };
});

export default detection;
