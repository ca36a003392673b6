// The processes of a running install as /proc shows them: each process's parent and command, the descendants of a
// root, and their memory, so a benchmark can count a whole process tree (server, runners, DAG parser), not one pid.
import { readdirSync, readFileSync } from 'node:fs';

export const TICKS_PER_S = 100; // USER_HZ: 100 on every Linux this runs on

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, plus cutime + cstime (children already reaped), in seconds. */
  cpuS: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    // After comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { pid, ppid: Number(f[1]), comm, cpuS: ticks / TICKS_PER_S };
  } catch {
    return null; // gone meanwhile
  }
}

export function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) stats.set(s.pid, s);
  }
  return stats;
}

/** `root` and every process below it. */
export function processTree(root: number, stats = allStats()): number[] {
  const children = new Map<number, number[]>();
  for (const s of stats.values()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const tree: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    if (!stats.has(pid)) continue;
    tree.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface ProcessMemory {
  pid: number;
  /** What the process runs, e.g. `node …/runner.js`, shortened to its script. */
  command: string;
  rssMb: number;
  /** Proportional set size: shared pages divided among the processes that share them, so PSS sums without double counting. */
  pssMb: number;
}

/** CPU seconds `root` and its descendants used so far, the children they already reaped included. */
export function treeCpuS(root: number): number {
  const stats = allStats();
  return processTree(root, stats).reduce((a, pid) => a + stats.get(pid)!.cpuS, 0);
}

/** Node's options that take the next argument as their value (`--import tsx/loader.mjs runner.ts`). */
const WITH_VALUE = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/** The script a command line runs: its first argument that is neither an option nor an option's value. */
export function scriptOf(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (WITH_VALUE.has(args[i]!)) i++;
    else if (!args[i]!.startsWith('-')) return args[i]!;
  }
  return '';
}

const KB_LINE = (field: string) => new RegExp(`^${field}:\\s+(\\d+) kB`, 'm');

export function processMemory(pid: number): ProcessMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = scriptOf(argv.slice(1));
    return {
      pid,
      command: [argv[0]?.split('/').pop(), script.split('/').slice(-2).join('/')].filter(Boolean).join(' '),
      rssMb: Number(KB_LINE('VmRSS').exec(status)?.[1] ?? 0) / 1024,
      pssMb: Number(KB_LINE('Pss').exec(rollup)?.[1] ?? 0) / 1024,
    };
  } catch {
    return null; // gone meanwhile
  }
}

/** Memory of `root` and its descendants, each process and the sums. */
export function treeMemory(root: number): { rssMb: number; pssMb: number; processes: ProcessMemory[] } {
  const processes = processTree(root).map(processMemory).filter((m): m is ProcessMemory => m !== null);
  return {
    rssMb: processes.reduce((a, m) => a + m.rssMb, 0),
    pssMb: processes.reduce((a, m) => a + m.pssMb, 0),
    processes,
  };
}
