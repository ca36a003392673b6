// Training and scoring the weekly Iris model: a random forest (ml-random-forest) on the four measures, judged on
// flowers it did not see. Seeded, so a week's numbers can be reproduced and compared with last week's.
import { ConfusionMatrix } from 'ml-confusion-matrix';
import { RandomForestClassifier } from 'ml-random-forest';
import { z } from 'zod';
import type { Flower } from './iris-csv';

export const modelMetricsSchema = z.object({
  accuracy: z.number(),
  labels: z.array(z.string()),
  /** matrix[actual][predicted], in the order of `labels`. */
  matrix: z.array(z.array(z.number().int())),
  per_class: z.array(z.object({ label: z.string(), precision: z.number(), recall: z.number() })),
  train_size: z.number().int(),
  test_size: z.number().int(),
});
export type ModelMetrics = z.infer<typeof modelMetricsSchema>;

export interface TrainedForest {
  /** The forest as ml-random-forest serialises it, with the label of each class index. */
  model: { labels: string[]; forest: unknown };
  metrics: ModelMetrics;
}

export function trainForest(train: Flower[], test: Flower[], opts: { seed: number; trees: number }): TrainedForest {
  const labels = [...new Set([...train, ...test].map((f) => f.species))].sort();
  const forest = new RandomForestClassifier({ seed: opts.seed, nEstimators: opts.trees, maxFeatures: 0.8, replacement: true });
  forest.train(train.map((f) => [...f.features]), train.map((f) => labels.indexOf(f.species)));
  const predicted = forest.predict(test.map((f) => [...f.features])).map((i: number) => labels[i] ?? '?');
  const actual = test.map((f) => f.species);
  const cm = ConfusionMatrix.fromLabels(actual, predicted, { labels });
  const matrix = cm.getMatrix();
  const perClass = labels.map((label, i) => {
    const predictedAs = matrix.reduce((sum, row) => sum + (row[i] ?? 0), 0);
    const actuallyIs = (matrix[i] ?? []).reduce((sum, n) => sum + n, 0);
    const hit = matrix[i]?.[i] ?? 0;
    return { label, precision: predictedAs ? hit / predictedAs : 0, recall: actuallyIs ? hit / actuallyIs : 0 };
  });
  return {
    model: { labels, forest: forest.toJSON() },
    metrics: { accuracy: cm.getAccuracy(), labels, matrix, per_class: perClass, train_size: train.length, test_size: test.length },
  };
}
