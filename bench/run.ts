// `npm run bench`: every benchmark, each printed beside the floor measured in the same run. The load test of the
// scale-out processes takes about ten minutes, so it runs only when named: `npm run bench -- scale`. With `--check`,
// the command exits non-zero when a measure misses its target (targets.ts), after naming those that did.
import { buildIsStale, runNextBuild } from '../lib/runtime/ensure-build';
import { missedTargets, report, round } from './report';
import { measureScheduler, reportScheduler } from './scheduler-bench';
import { measureStandalone, reportStandalone } from './standalone-start';
import { measureFlashcards, WARM_UP_WORDS } from './flashcards';
import { measureGridData } from './grid-data';
import { measureDashboardData, reportDashboardData } from './dashboard-data';
import { measureDeckPage, reportDeckPage } from './deck-page';
import { measureRemoteExecution } from './remote-execution';
import { measureIsolatedEnv, reportIsolatedEnv } from './isolated-env';
import { measureScale, reportScale } from './scale';
import { measureScaleCpu, reportScaleCpu } from './scale-cpu';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Run by default, or one by one when named. */
const GROUPS = ['scheduler', 'flashcards', 'grid', 'dashboard', 'deck', 'remote', 'standalone', 'isolated'];
/** Benchmarks too long for the default run. */
const OPT_IN = ['scale', 'scale-cpu'];
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args.filter((a) => a !== '--check');
const unknown = only.filter((a) => !GROUPS.includes(a) && !OPT_IN.includes(a));
if (unknown.length) {
  process.stderr.write(`npm run bench: unknown ${unknown.join(', ')}; name any of ${[...GROUPS, ...OPT_IN].join(', ')}, or --check\n`);
  process.exit(2);
}
const want = (name: string) => only.length === 0 || only.includes(name);

if (want('scheduler')) reportScheduler(await measureScheduler());

if (want('flashcards')) {
  const f = await measureFlashcards();
  report({ name: 'flashcards_200_words_s', value: f.wallS, unit: 's', baseline: { name: 'ideal 200 × 0.1 s / 8 slots', value: f.idealS, unit: 's' }, note: `${f.attempts} attempts; model call ${f.meanCallMs.toFixed(0)} ms mean; queued→start ${f.meanQueueMs.toFixed(0)} ms mean` });
  report({ name: 'flashcards_ratio_to_ideal', value: f.wallS / f.idealS, unit: '×' });
  report({ name: 'flashcards_cold_first_run_s', value: f.warmUpS, unit: 's', note: `the first run after start (${WARM_UP_WORDS} words): runners import the DAG file and the openai package; the 200-word run above comes after it` });
  report({ name: 'llm_overhead_per_attempt_ms', value: f.overheadPerAttemptMs, unit: 'ms', note: 'task time minus LLM latency, per attempt' });
}

if (want('grid')) {
  const g = await measureGridData();
  const floor = { name: 'one-row lookup p50', value: g.floorP50, unit: 'ms' };
  report({ name: 'grid_data_p50_ms', value: g.p50, unit: 'ms', baseline: floor, note: '1,000 runs × 10 tasks, latest 25 runs' });
  report({ name: 'grid_data_p95_ms', value: g.p95, unit: 'ms', baseline: floor });
}

if (want('dashboard')) reportDashboardData(await measureDashboardData());

if (want('deck')) {
  if (buildIsStale(ROOT)) await runNextBuild(ROOT);
  reportDeckPage(await measureDeckPage());
}

if (want('remote')) {
  const r = await measureRemoteExecution();
  const local = r.localOnPostgres;
  const tasks = r.runs * 10;
  report({ name: 'pg_local_20x10_s', value: local.throughput.wallS, unit: 's', note: `${Math.round(local.throughput.tasksPerS)} tasks/s; PostgreSQL, local executor` });
  report({
    name: 'pg_bullmq_20x10_s', value: r.bullmq.throughput.wallS, unit: 's',
    baseline: { name: 'pg_local_20x10_s', value: local.throughput.wallS, unit: 's' },
    note: `${Math.round(r.bullmq.throughput.tasksPerS)} tasks/s; ${tasks} tasks through Redis to one worker (2 × 16 slots)`,
  });
  const localHop = { name: 'PostgreSQL local hop p50', value: local.hops.p50, unit: 'ms' };
  report({ name: 'pg_local_hop_p50_ms', value: local.hops.p50, unit: 'ms', note: `p95 ${local.hops.p95.toFixed(1)} ms` });
  report({ name: 'pg_bullmq_hop_p50_ms', value: r.bullmq.hops.p50, unit: 'ms', baseline: localHop });
  report({ name: 'pg_bullmq_hop_p95_ms', value: r.bullmq.hops.p95, unit: 'ms', baseline: localHop });
}

if (want('standalone')) {
  if (buildIsStale(ROOT)) await runNextBuild(ROOT);
  reportStandalone(await measureStandalone());
}

if (want('isolated')) reportIsolatedEnv(await measureIsolatedEnv());

if (only.includes('scale-cpu')) reportScaleCpu(await measureScaleCpu((line) => process.stdout.write(`${line}\n`)));
if (only.includes('scale')) reportScale(await measureScale((line) => process.stdout.write(`${line}\n`)));
else if (only.length === 0) process.stdout.write(`not run: ${OPT_IN.join(', ')} (long; run it by name: npm run bench -- ${OPT_IN[0]})\n`);

if (check) {
  const { judged, missed } = missedTargets();
  for (const m of missed) process.stdout.write(`MISSED ${m.name}: ${round(m.value)} ${m.unit}, target ${m.target}\n`);
  process.stdout.write(`--check: ${judged - missed.length} of ${judged} targets met\n`);
  if (missed.length) process.exitCode = 1;
}
