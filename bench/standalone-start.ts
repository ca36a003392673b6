// Time from launching `flashflow standalone` (what `npm start` runs, with the web app already built) to a
// healthy /api/v1/health, and the resident memory of that process once idle.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** First start on a fresh home (creates the database), then a restart on the same home, as users do. */
export async function measureStandalone(): Promise<{ freshS: number; restartS: number; rssIdleMb: number }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-start-'));
  try {
    const fresh = await startOnce(home, false);
    const restart = await startOnce(home, true);
    return { freshS: fresh.startToHealthyS, restartS: restart.startToHealthyS, rssIdleMb: restart.rssIdleMb };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

async function startOnce(home: string, measureRss: boolean): Promise<{ startToHealthyS: number; rssIdleMb: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/flashflow.js'), 'standalone'], {
    cwd: ROOT,
    env: { ...process.env, FLASHFLOW_HOME: home, PORT: String(port), FLASHFLOW_DAGS_FOLDER: path.join(ROOT, 'bench/workflows') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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
    if (!measureRss) return { startToHealthyS, rssIdleMb: NaN };
    await new Promise((r) => setTimeout(r, 3000));
    return { startToHealthyS, rssIdleMb: rssMb(child.pid!) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}
