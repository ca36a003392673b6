// How benchmarks print: a readable line, and one machine-readable `BENCH {...}` line per measure.

export interface Measure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number; unit: string } | null;
  note?: string;
}

export function report(m: Measure): void {
  const base = m.baseline ? `   (baseline ${m.baseline.name}: ${round(m.baseline.value)} ${m.baseline.unit})` : '';
  process.stdout.write(`${m.name.padEnd(32)} ${String(round(m.value)).padStart(10)} ${m.unit}${base}${m.note ? `   ${m.note}` : ''}\n`);
  process.stdout.write(`BENCH ${JSON.stringify({ name: m.name, value: round(m.value), unit: m.unit, baseline: m.baseline ? round(m.baseline.value) : null })}\n`);
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
