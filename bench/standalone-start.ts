// Time from launching `flashflow standalone` (what `npm start` runs, with the web app already built) on the shipped
// workflows/ folder to a healthy /api/v1/health, and the memory of its whole process tree (the server, its runner
// processes, the DAG parser child while it lives): the peak while starting and the sum once idle.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { treeCpuS, treeMemory, type ProcessMemory } from './process-tree';
import { report } from './report';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Reading the tree walks all of /proc: often enough to catch the DAG parser child, not so often it slows the start. */
const SAMPLE_MS = 200;
/** How long after healthy the tree counts as idle. */
const IDLE_AFTER_MS = 3000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface StandaloneBench {
  freshS: number;
  restartS: number;
  /** Sum over the idle process tree after the restart. */
  idle: { rssMb: number; pssMb: number; processes: ProcessMemory[] };
  /** CPU seconds the restart's process tree used up to healthy: unlike its wall time, barely moved by other work. */
  restartCpuS: number;
  /** The highest sum of the tree's RSS sampled while the restart started (the DAG parser child included). */
  startPeakRssMb: number;
  dagFiles: number;
}

/** First start on a fresh home (creates the database), then a restart on the same home, as users do. */
export async function measureStandalone(): Promise<StandaloneBench> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-start-'));
  try {
    const fresh = await startOnce(home);
    const restart = await startOnce(home);
    return {
      freshS: fresh.startToHealthyS, restartS: restart.startToHealthyS, restartCpuS: restart.cpuS,
      idle: restart.idle, startPeakRssMb: restart.peakRssMb, dagFiles: DAG_FILES,
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const DAGS_FOLDER = path.join(ROOT, 'workflows');
const DAG_FILES = readdirSync(DAGS_FOLDER).filter((f) => /\.(ts|js|mjs)$/.test(f)).length;

async function startOnce(home: string): Promise<{ startToHealthyS: number; cpuS: number; peakRssMb: number; idle: StandaloneBench['idle'] }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/flashflow.js'), 'standalone'], {
    cwd: ROOT,
    env: { ...process.env, FLASHFLOW_HOME: home, PORT: String(port), FLASHFLOW_DAGS_FOLDER: DAGS_FOLDER },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let peakRssMb = 0;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, treeMemory(child.pid!).rssMb)), SAMPLE_MS);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`standalone exited early: ${stderr}`);
      const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.json() as Promise<{ scheduler: { status: string } }>).catch(() => null);
      if (health?.scheduler.status === 'healthy') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const startToHealthyS = (performance.now() - started) / 1000;
    const cpuS = treeCpuS(child.pid!);
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, IDLE_AFTER_MS));
    return { startToHealthyS, cpuS, peakRssMb, idle: treeMemory(child.pid!) };
  } finally {
    clearInterval(sampler);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

export function reportStandalone(s: StandaloneBench): void {
  const where = `flashflow standalone on workflows/ (${s.dagFiles} DAG files)`;
  report({ name: 'start_to_healthy_s', value: s.restartS, unit: 's', note: `${where}, the app built and its database existing` });
  report({ name: 'start_to_healthy_cpu_s', value: s.restartCpuS, unit: 'CPU s', note: 'CPU the restart\'s process tree used up to healthy (children already reaped included): compares across busy and idle machines' });
  report({ name: 'start_to_healthy_fresh_s', value: s.freshS, unit: 's', note: `${where}, first start on a new home: creates the database` });
  const each = s.idle.processes.map((p) => `${p.command} ${Math.round(p.rssMb)}`).join(', ');
  report({
    name: 'rss_idle_tree_mb', value: s.idle.rssMb, unit: 'MiB',
    note: `RSS summed over the process tree ${IDLE_AFTER_MS / 1000} s after healthy (${each}); PSS sum ${Math.round(s.idle.pssMb)} MiB (shared pages once)`,
  });
  report({ name: 'rss_start_peak_tree_mb', value: s.startPeakRssMb, unit: 'MiB', note: `highest RSS sum of the tree while starting (DAG parser child included), sampled every ${SAMPLE_MS} ms` });
}
