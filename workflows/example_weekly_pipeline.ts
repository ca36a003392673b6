// A weekly download → preprocess → train → report pipeline: the shape of an ML job on Flashflow.
// The data is generated locally so the example runs anywhere; swap the download command for a real one.
import { z } from 'zod';
import { chain, dag } from '../lib/engine/dag-builder';
import { bash } from '../lib/operators/bash';

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

// The last line a bash task prints is its result (Airflow's do_xcom_push).
const download = pipeline.task('download', bash({ command: "seq 1 1000 | awk '{ print $1 % 97 }' | paste -sd, -" }));

const preprocess = pipeline.task('preprocess', (ctx) => {
  const raw = String(ctx.upstream.download ?? '');
  const { max_samples } = ctx.params;
  const values = raw.split(',').filter(Boolean).map(Number).slice(0, max_samples);
  ctx.log.info(`preprocessed ${values.length} samples`);
  return { count: values.length, values };
});

const train = pipeline.task('train', (ctx) => {
  const { values } = ctx.upstream.preprocess as { values: number[] };
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return { model: 'mean-baseline', mean: Math.round(mean * 100) / 100 };
});

const report = pipeline.task('report', (ctx) => {
  const model = ctx.upstream.train as { model: string; mean: number };
  ctx.log.info(`model ${model.model} trained, mean=${model.mean}`);
  return `week of ${ctx.dataIntervalStart.toISOString().slice(0, 10)}: ${model.model} mean=${model.mean}`;
});

chain(download, preprocess, train, report);

export default pipeline;
