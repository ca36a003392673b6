// A weekly download → preprocess → train → report pipeline: the shape of an ML job on Flashflow.
// The data is generated locally so the example runs anywhere; swap the download command for a real one.
import { bash, dag, z } from 'flashflow';

const pipeline = dag({
  dagId: 'example_weekly_pipeline',
  description: 'Download, preprocess, train and report, every week',
  schedule: '@weekly',
  startDate: '2026-01-01',
  catchup: false,
  tags: ['example', 'ml'],
  params: z.object({ max_samples: z.number().int().min(1).max(100_000).default(500) }),
  defaultArgs: { owner: 'data-team', retries: 2, retryDelay: '1m', retryExponentialBackoff: true, executionTimeout: '10m' },
});

// The last line a bash task prints is its result (Airflow's do_xcom_push): a string, or null if it printed none.
const download = pipeline.task('download', bash({ command: "seq 1 1000 | awk '{ print $1 % 97 }' | paste -sd, -" }));

// Each task names the results it needs: that is the edge, and the type of ctx.inputs.
const preprocess = pipeline.task('preprocess', { inputs: { raw: download } }, ({ inputs, params, log }) => {
  const values = (inputs.raw ?? '').split(',').filter(Boolean).map(Number).slice(0, params.max_samples);
  log.info(`preprocessed ${values.length} samples`);
  return { count: values.length, values };
});

const train = pipeline.task('train', { inputs: { data: preprocess } }, ({ inputs }) => {
  const { values } = inputs.data;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return { model: 'mean-baseline', mean: Math.round(mean * 100) / 100 };
});

pipeline.task('report', { inputs: { model: train } }, ({ inputs, dataIntervalStart, log }) => {
  log.info(`model ${inputs.model.model} trained, mean=${inputs.model.mean}`);
  return `week of ${dataIntervalStart.toISOString().slice(0, 10)}: ${inputs.model.model} mean=${inputs.model.mean}`;
});

export default pipeline;
