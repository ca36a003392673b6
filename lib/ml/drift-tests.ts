// Two-sample drift tests per feature: has this week's batch come from the same distribution as the reference?
// - Kolmogorov–Smirnov: the largest gap between the two empirical CDFs, with its asymptotic p-value.
// - PSI (population stability index): how far the batch's share of each reference decile has moved;
//   by the usual reading < 0.1 is stable, 0.1–0.25 a shift worth a look, > 0.25 a major shift.

export interface KsResult {
  statistic: number;
  pValue: number;
}

export function ksTwoSample(a: readonly number[], b: readonly number[]): KsResult {
  if (a.length === 0 || b.length === 0) throw new RangeError('both samples need at least one value');
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const n = (x.length * y.length) / (x.length + y.length);
  return { statistic: d, pValue: kolmogorovSurvival((Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d) };
}

/** P(K > t) for the Kolmogorov distribution (the series of Numerical Recipes' probks). */
function kolmogorovSurvival(t: number): number {
  if (t < 1e-3) return 1;
  let sum = 0;
  let sign = 1;
  let previous = 0;
  for (let k = 1; k <= 100; k++) {
    const term = sign * Math.exp(-2 * k * k * t * t);
    sum += term;
    if (Math.abs(term) <= 1e-10 * Math.abs(sum) || Math.abs(term) <= 1e-3 * previous) return clamp01(2 * sum);
    previous = Math.abs(term);
    sign = -sign;
  }
  return 1;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * PSI over `bins` bins cut at the reference's quantiles. Empty bins get a small share instead of zero, so one empty
 * bin does not make the index infinite.
 */
export function populationStabilityIndex(reference: readonly number[], batch: readonly number[], bins = 10): number {
  if (reference.length === 0 || batch.length === 0) throw new RangeError('both samples need at least one value');
  const sorted = [...reference].sort((p, q) => p - q);
  const edges = Array.from({ length: bins - 1 }, (_, k) => sorted[Math.floor(((k + 1) * sorted.length) / bins)]!);
  const shares = (values: readonly number[]) => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of values) {
      let bin = 0;
      while (bin < edges.length && v > edges[bin]!) bin++;
      counts[bin]!++;
    }
    return counts.map((c) => Math.max(c / values.length, 1e-4));
  };
  const expected = shares(reference);
  const actual = shares(batch);
  return expected.reduce((psi, e, k) => psi + (actual[k]! - e) * Math.log(actual[k]! / e), 0);
}
