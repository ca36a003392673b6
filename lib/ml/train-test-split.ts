// A reproducible train/test split: the same seed puts the same flowers on each side on every machine, so two runs
// of a week's training are comparable and a test can pin the numbers.
import { seededShuffle } from '../kernel/seeded-random';

export function trainTestSplit<T>(items: readonly T[], testFraction: number, seed: number): { train: T[]; test: T[] } {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be between 0 and 1, got ${testFraction}`);
  const shuffled = seededShuffle(items, seed);
  const testSize = Math.max(1, Math.round(items.length * testFraction));
  if (testSize >= items.length) throw new RangeError(`${items.length} item(s) cannot be split into a training and a test set`);
  return { test: shuffled.slice(0, testSize), train: shuffled.slice(testSize) };
}
