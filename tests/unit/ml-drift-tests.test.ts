// The drift statistics against values worked out by hand and against textbook behaviour.
import { describe, expect, it } from 'vitest';
import { ksTwoSample, populationStabilityIndex } from '../../lib/ml/drift-tests';
import { seededRandom } from '../../lib/kernel/seeded-random';

const uniform = (seed: number, n: number, shift = 0) => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => random() + shift);
};

describe('ksTwoSample', () => {
  it('finds the largest gap between the two empirical CDFs', () => {
    expect(ksTwoSample([1, 2, 3, 4], [1, 2, 3, 4]).statistic).toBe(0);
    expect(ksTwoSample([1, 2, 3, 4], [5, 6, 7, 8]).statistic).toBe(1);
    // After 2: 2/4 of a against 0/2 of b; after 3.5: 3/4 against 1/2.
    expect(ksTwoSample([1, 2, 3, 4], [2.5, 3.5]).statistic).toBe(0.5);
    // Ties move both CDFs together.
    expect(ksTwoSample([1, 1, 2], [1, 2, 2]).statistic).toBeCloseTo(1 / 3, 12);
  });

  it('gives a high p-value for samples of one distribution and a tiny one for shifted samples', () => {
    expect(ksTwoSample(uniform(1, 200), uniform(2, 200)).pValue).toBeGreaterThan(0.05);
    const shifted = ksTwoSample(uniform(1, 200), uniform(2, 200, 0.5));
    expect(shifted.statistic).toBeGreaterThan(0.4);
    expect(shifted.pValue).toBeLessThan(1e-10);
  });

  it('matches the asymptotic p-value of a known case (D = 0.5, n = m = 20: p ≈ 0.0095)', () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = Array.from({ length: 20 }, (_, i) => i + 10);
    const r = ksTwoSample(a, b);
    expect(r.statistic).toBe(0.5);
    expect(r.pValue).toBeGreaterThan(0.005);
    expect(r.pValue).toBeLessThan(0.015);
  });

  it('refuses an empty sample', () => {
    expect(() => ksTwoSample([], [1])).toThrow(RangeError);
  });
});

describe('populationStabilityIndex', () => {
  it('is near zero for the same distribution and large for a shifted one', () => {
    expect(populationStabilityIndex(uniform(1, 1000), uniform(2, 1000))).toBeLessThan(0.05);
    expect(populationStabilityIndex(uniform(1, 1000), uniform(2, 1000, 0.3))).toBeGreaterThan(0.25);
  });

  it('stays finite when the batch leaves bins empty', () => {
    const psi = populationStabilityIndex(uniform(1, 1000), Array.from({ length: 50 }, () => 0.95));
    expect(Number.isFinite(psi)).toBe(true);
    expect(psi).toBeGreaterThan(1);
  });
});

describe('detectFeatureDrift on the demo batches', () => {
  it('finds no drift in the latest batch and drift in the petals of the drifted one', async () => {
    const { irisDemoFiles } = await import('../../lib/demo/iris-files');
    const { parseIrisCsv } = await import('../../lib/ml/iris-csv');
    const { detectFeatureDrift } = await import('../../lib/ml/feature-drift');
    const files = irisDemoFiles();
    const read = (name: string) => parseIrisCsv(files[name]!, name).flowers;
    const thresholds = { ks_p_value: 0.01, psi: 0.25 };
    const calm = detectFeatureDrift(read('iris/iris.csv'), read('iris/batches/latest.csv'), thresholds);
    expect(calm.drift).toBe(false);
    expect(calm.features.map((f) => f.feature)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    const drifted = detectFeatureDrift(read('iris/iris.csv'), read('iris/batches/drifted.csv'), thresholds);
    expect(drifted.drift).toBe(true);
    expect(drifted.drifted_features).toEqual(expect.arrayContaining(['petal_length', 'petal_width']));
    expect(drifted.drifted_features).not.toContain('sepal_width');
  });
});
