// CPU seconds per process tree, read from /proc, so a benchmark can say which process saturates the machine: each
// labelled root counts itself and every descendant not under another labelled root (a worker's runner processes
// count as the worker's), and PostgreSQL and Redis are found among this process's descendants by command name.
import { readFileSync } from 'node:fs';
import { allStats, TICKS_PER_S } from './process-tree';

/** Total busy CPU seconds of the machine (every process, other users' included), from /proc/stat. */
export function machineBusyS(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const busy = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
  return busy / TICKS_PER_S;
}

const SERVER_COMMS: Record<string, string> = { postgres: 'postgres', 'redis-server': 'redis' };

/**
 * CPU seconds so far per label: `roots` maps a pid to its label; descendants of `self` that are PostgreSQL or
 * Redis processes get those labels; whatever else descends from `self` counts as `bench`.
 */
export function cpuByLabel(roots: Map<number, string>, self = process.pid): Record<string, number> {
  const stats = allStats();
  const labelOf = new Map<number, string | null>();
  const resolve = (pid: number, depth = 0): string | null => {
    const known = labelOf.get(pid);
    if (known !== undefined) return known;
    const s = stats.get(pid);
    let label: string | null;
    if (roots.has(pid)) label = roots.get(pid)!;
    else if (pid === self) label = 'bench';
    else if (!s || s.ppid <= 1 || depth > 64) label = null;
    else {
      const parent = resolve(s.ppid, depth + 1);
      label = s && SERVER_COMMS[s.comm] && (parent === 'bench' || parent === null) ? SERVER_COMMS[s.comm]! : parent;
    }
    labelOf.set(pid, label);
    return label;
  };
  const totals: Record<string, number> = {};
  for (const s of stats.values()) {
    const label = resolve(s.pid);
    if (label !== null) totals[label] = (totals[label] ?? 0) + s.cpuS;
  }
  return totals;
}
