// How benchmarks print: a readable line, and one machine-readable `BENCH {...}` line per measure. Every measure with a
// target (targets.ts) is judged as it is reported; `missedTargets()` lists those that missed, for `--check`.
import { judgeMeasure, type Verdict } from './targets';

export interface Measure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number; unit: string } | null;
  note?: string;
}

const missed: Array<{ name: string; value: number; unit: string; target: string }> = [];
let judged = 0;

export function report(m: Measure): void {
  const verdicts = judgeMeasure(m.name, m.value, m.unit, m.baseline?.value ?? null);
  judged += verdicts.length;
  for (const v of verdicts) if (!v.met) missed.push({ name: m.name, value: m.value, unit: m.unit, target: v.text });
  const base = m.baseline ? `   (baseline ${m.baseline.name}: ${round(m.baseline.value)} ${m.baseline.unit})` : '';
  const targets = verdicts.map((v) => `   target ${v.text}${v.met ? '' : ' MISSED'}`).join('');
  process.stdout.write(`${m.name.padEnd(32)} ${String(round(m.value)).padStart(10)} ${m.unit}${base}${targets}${m.note ? `   ${m.note}` : ''}\n`);
  process.stdout.write(`BENCH ${JSON.stringify({
    name: m.name,
    value: round(m.value),
    unit: m.unit,
    baseline: m.baseline ? round(m.baseline.value) : null,
    ...(verdicts.length ? { targets: verdicts.map(targetJson) } : {}),
  })}\n`);
}

function targetJson(v: Verdict) {
  return { target: v.text, met: v.met };
}

/** The targets missed so far, and how many were judged. */
export function missedTargets(): { judged: number; missed: ReadonlyArray<{ name: string; value: number; unit: string; target: string }> } {
  return { judged, missed };
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
