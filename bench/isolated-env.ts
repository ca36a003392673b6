// The isolated_dependencies DAG as shipped, on the real engine: a cold run into an empty environments folder (four
// npm installs side by side) beside four plain `npm install`s of the same specs started together, and a warm run on
// the cached environments beside four plain `node -e` processes started together, the least four tasks that each
// run in their own Node process can cost. npm's download cache is filled first, so both sides install from disk.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_MANIFEST, type EnvManifest } from '../lib/operators/npm-env-cache';
import { isolatedEnvArgsSchema } from '../lib/operators/isolated-env';
import type { Runtime } from '../lib/runtime/start-runtime';
import { triggerDagRun } from '../lib/store/trigger-dag-run';
import { npmEnv } from '../tests/support/npm-env';
import isolatedDependencies from '../workflows/isolated_dependencies';
import { percentile, report } from './report';
import { withBenchRuntime } from './scheduler-throughput';

const WORKFLOWS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows');
const ROUNDS = 3;

export interface IsolatedEnvBench {
  /** Medians over ROUNDS, in seconds. */
  coldS: number;
  npmInstallS: number;
  warmS: number;
  nodeS: number;
  /** The slowest environment build of the cold runs, as its manifest recorded it (npm install and checks). */
  slowestBuildMs: number;
  specs: string[];
}

export async function measureIsolatedEnv(): Promise<IsolatedEnvBench> {
  // Read from the DAG, so the peer installs what the tasks declare.
  const specs = [...isolatedDependencies.tasks.values()].flatMap((t) => isolatedEnvArgsSchema.parse(t.args).requirements);
  const env = npmEnv();
  await exec('npm', ['cache', 'add', ...specs], env);
  const envsDir = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-envs-'));
  try {
    return await withBenchRuntime(
      async (rt) => {
        const cold: number[] = [], npm: number[] = [], warm: number[] = [], node: number[] = [];
        let slowestBuildMs = 0;
        for (let round = 0; round < ROUNDS; round++) {
          await emptyDir(envsDir);
          cold.push(await runToEnd(rt));
          slowestBuildMs = Math.max(slowestBuildMs, ...(await buildTimes(envsDir)));
          warm.push(await runToEnd(rt));
          npm.push(await plainInstalls(specs, env));
          node.push(await timed(() => Promise.all(specs.map(() => exec(process.execPath, ['-e', '0'], env)))));
        }
        const median = (values: number[]) => percentile(values, 50);
        return { coldS: median(cold), npmInstallS: median(npm), warmS: median(warm), nodeS: median(node), slowestBuildMs, specs };
      },
      { ...env, FLASHFLOW_DAGS_FOLDER: WORKFLOWS, FLASHFLOW_ENVS_DIR: envsDir },
    );
  } finally {
    await rm(envsDir, { recursive: true, force: true });
  }
}

export function reportIsolatedEnv(b: IsolatedEnvBench): void {
  const n = b.specs.length;
  report({
    name: 'isolated_env_cold_run_s', value: b.coldS, unit: 's',
    baseline: { name: `${n} × plain npm install, side by side`, value: b.npmInstallS, unit: 's' },
    note: `${(b.coldS / b.npmInstallS).toFixed(2)} × the peer; isolated_dependencies into an empty envs dir (${b.specs.join(', ')}); slowest environment build ${b.slowestBuildMs} ms; median of ${ROUNDS}`,
  });
  report({
    name: 'isolated_env_warm_run_s', value: b.warmS, unit: 's',
    baseline: { name: `${n} × node -e, side by side`, value: b.nodeS, unit: 's' },
    note: `${(b.warmS / b.nodeS).toFixed(2)} × the peer; the next run, on the cached environments; median of ${ROUNDS}`,
  });
}

/** Seconds from trigger to the run's end_date (set by the scheduler, so the loop may look rarely). */
async function runToEnd(rt: Runtime): Promise<number> {
  const started = new Date();
  const run = await triggerDagRun(rt.db.sql, { dagId: isolatedDependencies.dagId }, started);
  rt.scheduler.wake();
  for (;;) {
    const [r] = await rt.db.sql.query<{ state: string; end_date: Date | null }>(`SELECT state, end_date FROM dag_run WHERE run_id = $1`, [run.runId]);
    if (r!.state === 'failed') throw new Error(`the benchmark run ${run.runId} failed; see its task logs`);
    if (r!.state === 'success') return (r!.end_date!.getTime() - started.getTime()) / 1000;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** The same specs, each into its own empty prefix as the tasks do, all started together. */
async function plainInstalls(specs: string[], env: Record<string, string>): Promise<number> {
  const prefixes = await Promise.all(specs.map(() => mkdtemp(path.join(os.tmpdir(), 'ff-bench-npm-'))));
  try {
    return await timed(() =>
      Promise.all(specs.map((spec, i) => exec('npm', ['install', '--prefix', prefixes[i]!, '--ignore-scripts', '--no-audit', '--no-fund', spec], env))),
    );
  } finally {
    await Promise.all(prefixes.map((p) => rm(p, { recursive: true, force: true })));
  }
}

async function buildTimes(envsDir: string): Promise<number[]> {
  const envs = (await readdir(envsDir)).filter((name) => name.startsWith('env-'));
  const manifests = await Promise.all(envs.map(async (name) => JSON.parse(await readFile(path.join(envsDir, name, ENV_MANIFEST), 'utf8')) as EnvManifest));
  return manifests.map((m) => m.buildMs);
}

async function emptyDir(dir: string): Promise<void> {
  await Promise.all((await readdir(dir)).map((name) => rm(path.join(dir, name), { recursive: true, force: true })));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

function exec(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    // Next's global typing makes NODE_ENV a required key of ProcessEnv; the tasks' environment has none either.
    const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(-500)}`))));
  });
}
