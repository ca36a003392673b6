// Durations as DAG authors write them ('30s', '5m', 1500) turned into milliseconds.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

export function parseDuration(input: number | string, what = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new Error(`${what} must be a non-negative number of milliseconds, got ${input}`);
    return input;
  }
  const match = PATTERN.exec(input.trim());
  if (!match) throw new Error(`${what} '${input}' is not a duration; write e.g. 500ms, 30s, 5m, 2h or 1d`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}
