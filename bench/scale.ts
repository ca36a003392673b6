// `npm run bench -- scale` (issue 14's load test): catalog_request triggered through the REST API at rising rates
// until latency or throughput gives way, for the embedded standalone and for webserver + scheduler + 1, 2 and 4
// workers on PostgreSQL and Redis, beside raw BullMQ running the same four model calls with the same workers.
// With 2 workers, after the ramp, the active scheduler is SIGKILLed under load with a standby waiting.
//
// Choices that keep it under ~10 minutes on a 2-core machine (plus a Next build when the sources changed):
// - steps of 8 s, each drained (15 s at most) before the next; rates double from 2 req/s (raw BullMQ from 8, whose
//   low steps are far below its capacity), then one step at 1.5× the last good rate and one halfway between the
//   highest rate that held and the lowest that did not;
// - a step holds while every request ends and succeeds, the ends keep pace (≥ 90 % of the offered rate) and p95
//   stays within 3× the first step's plus the 1 s a model's Retry-After costs the few requests that meet a 503;
//   a step whose backlog passes a few seconds of offer stops early;
// - one runner process × 16 slots per Flashflow worker and 16 slots per raw worker process;
// - the model answers after 20 ms, burns 1 ms of CPU and answers 1 % of calls 503 (retried inside the call).
import os from 'node:os';
import { report } from './report';
import { catalogDagsFolder, killLiveProcesses, launchTracked, startScaleOut, startStandalone, WORKER_SLOTS, type FlashflowSetup } from './scale-flashflow';
import { ramp, runStep, type LoadTarget, type RampOptions, type RampResult, type StepResult } from './scale-load';
import { cpuByLabel, machineBusyS } from './process-cpu';
import { startRawBullmq } from './raw-bullmq';
import { makeHome, removeTempDirs, type FlashflowProcess } from '../tests/support/cli-harness';
import { startPostgresServer } from '../tests/support/postgres-server';
import { startRedisServer } from '../tests/support/redis-server';

const TASKS_PER_REQUEST = 4;
const WORKER_COUNTS = [1, 2, 4] as const;
/** The configuration whose active scheduler is killed under load, after its ramp. */
const FAILOVER_WORKERS = 2;
const MODEL = { latencyMs: 20, cpuMs: 1, errorRate: 0.01 };

const RAMP: Omit<RampOptions, 'label' | 'startRate' | 'log' | 'sample'> = {
  maxRate: 512,
  stepS: 8,
  drainS: 15,
  pollMs: 200,
  maxTriggersInFlight: 64,
  latencyFactor: 3,
  // The model answers 1 % of calls 503 with Retry-After: 1, and both clients wait it out: about 4 % of the 4-call
  // requests take a second longer at any load.
  latencyAllowanceMs: 1_000,
  minCompletionShare: 0.9,
};

export interface ConfigFigures {
  label: string;
  ramp: RampResult;
  /** Requests per second at the highest step that held (the smaller of offered and ended). */
  requestsPerS: number;
  tasksPerS: number;
  /** The step at half of that rate, where latency is quoted. */
  half: StepResult | null;
  /** The highest step that held and the first above it that did not (CPU per process is read there). */
  atMax: StepResult;
  beyond: StepResult | null;
  /** Scheduler CPU seconds per 1,000 tasks over the whole ramp (scale-out only). */
  schedulerCpuSPer1000: number | null;
}

export interface ScaleBench {
  raw: Map<number, ConfigFigures>;
  workers: Map<number, ConfigFigures>;
  standalone: ConfigFigures;
  failover: Failover | null;
}

class BrokenRunError extends Error {}

async function measure(label: string, startRate: number, target: LoadTarget, roles: Map<number, string>, schedulerPid: number | null, log: (l: string) => void): Promise<ConfigFigures> {
  const sample = (): Record<string, number> => ({ ...cpuByLabel(roles), machine: machineBusyS() });
  const before = sample();
  log(`${label}:`);
  const r = await ramp(target, { ...RAMP, label, startRate, log, sample });
  const after = sample();
  if (r.max === null) throw new BrokenRunError(`${label}: not even the first step (${startRate} req/s) held: ${r.steps[0]?.verdict}`);
  // Every request accepted, the warm-up's included, as the CPU readings span it too.
  const tasks = r.ids.length * TASKS_PER_REQUEST;
  const max = r.max;
  const beyond = r.steps.find((s) => s.verdict !== null && s.rate > max.rate) ?? null;
  const requestsPerS = Math.min(max.rate, max.completionRate);
  return {
    label,
    ramp: r,
    requestsPerS,
    tasksPerS: requestsPerS * TASKS_PER_REQUEST,
    half: r.half,
    atMax: max,
    beyond,
    schedulerCpuSPer1000: schedulerPid === null ? null : ((after.scheduler ?? 0) - (before.scheduler ?? 0)) / (tasks / 1000),
  };
}

function failIfBroken(label: string, problems: string[]): void {
  if (problems.length === 0) return;
  throw new BrokenRunError(`${label}: ${problems.length} requests did not end as they should, so no figures are reported:\n  ${problems.slice(0, 20).join('\n  ')}`);
}

export interface Failover {
  /** SIGKILL of the active scheduler → the standby logs that it is active. */
  activeS: number;
  /** SIGKILL → the first run ended by the standby (runs progress again). */
  progressS: number;
  rate: number;
}

const FAILOVER_STEP_S = 12;
const KILL_AFTER_MS = 4_000;

/**
 * Load at `rate` with a standby scheduler waiting; the active one is SIGKILLed a few seconds in. The requests of this
 * step join the configuration's check, so a failover that loses or repeats a run fails the bench.
 */
async function measureFailover(setup: FlashflowSetup, rate: number, ids: string[], log: (l: string) => void): Promise<Failover> {
  const schedulers = setup.schedulers!;
  const standby = await schedulers.startStandby();
  let killedAt = 0;
  let activeAt = 0;
  let firstEndAfterKill = Infinity;
  const target: LoadTarget = {
    trigger: (id) => setup.target.trigger(id),
    poll: async () => {
      const ends = await setup.target.poll();
      for (const c of ends) if (killedAt > 0 && c.endMs > killedAt) firstEndAfterKill = Math.min(firstEndAfterKill, c.endMs);
      return ends;
    },
  };
  const kill = (async () => {
    await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS));
    killedAt = Date.now();
    schedulers.active.killGroup();
    // Not /scheduler is active/: the standby's own waiting line says "another scheduler is active".
    await standby.waitFor(/scheduler is active \(/, 60_000);
    activeAt = Date.now();
  })();
  const step = await runStep(target, rate, { ...RAMP, stepS: FAILOVER_STEP_S, drainS: 60, label: 'failover', startRate: rate, log, sample: () => ({}) }, 'failover', ids, null);
  await kill;
  log(`  failover at ${rate} req/s: ${step.done}/${step.sent} ended, p95 ${Math.round(step.p95Ms)} ms${step.verdict ? ` — ${step.verdict}` : ''}`);
  if (!Number.isFinite(firstEndAfterKill)) throw new BrokenRunError(`failover: no run ended after the active scheduler was killed`);
  return { activeS: (activeAt - killedAt) / 1000, progressS: (firstEndAfterKill - killedAt) / 1000, rate };
}

async function flashflowConfig(label: string, start: () => Promise<FlashflowSetup>, log: (l: string) => void, failover?: (f: Failover) => void): Promise<ConfigFigures> {
  const setup = await start();
  let figures: ConfigFigures;
  try {
    figures = await measure(label, 2, setup.target, setup.roles, setup.schedulerPid, log);
    if (failover) failover(await measureFailover(setup, Math.max(1, Math.round(figures.requestsPerS / 2)), figures.ramp.ids, log));
  } catch (err) {
    await setup.stopAndCheck([]).catch(() => []);
    throw err;
  }
  failIfBroken(label, await setup.stopAndCheck(figures.ramp.ids));
  log(`  ${label}: every request has exactly one run, and every run succeeded with its ${TASKS_PER_REQUEST} tasks`);
  return figures;
}

export async function measureScale(log: (line: string) => void): Promise<ScaleBench> {
  // Ctrl+C: the Flashflow processes have process groups of their own and would outlive the bench.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killLiveProcesses();
      process.kill(process.pid, signal);
    });
  }
  const [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  let model: FlashflowProcess | null = null;
  try {
    model = launchTracked(
      ['demo', 'model-server', '--port', '0', '--latency-ms', String(MODEL.latencyMs), '--cpu-ms', String(MODEL.cpuMs), '--error-rate', String(MODEL.errorRate)],
      await makeHome({ seeded: false }),
      await catalogDagsFolder(),
    );
    const [, modelUrl = ''] = await model.waitFor(/demo model server on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    const dagsFolder = await catalogDagsFolder();
    const modelRole = new Map([[model.pid, 'model']]);
    const raw = new Map<number, ConfigFigures>();
    const workers = new Map<number, ConfigFigures>();
    let failover: Failover | null = null;
    for (const n of WORKER_COUNTS) {
      const label = `raw_bullmq_workers_${n}`;
      const baseline = await startRawBullmq({ redisUrl: redis.url, modelUrl, workers: n, concurrency: WORKER_SLOTS });
      let figures: ConfigFigures;
      try {
        figures = await measure(label, 8, baseline.target, new Map([...modelRole, ...baseline.pids.map((p) => [p, 'worker'] as [number, string])]), null, log);
        failIfBroken(label, baseline.check(figures.ramp.ids));
        log(`  ${label}: every request ended exactly once, and succeeded`);
      } finally {
        await baseline.stop();
      }
      raw.set(n, figures);
      await redis.flushAll();

      const flashflow = await flashflowConfig(`workers_${n}`, async () => {
        const setup = await startScaleOut({ postgres, redisUrl: redis.url, modelUrl, dagsFolder, workers: n });
        return { ...setup, roles: new Map([...modelRole, ...setup.roles]) };
      }, log, n === FAILOVER_WORKERS ? (f) => (failover = f) : undefined);
      workers.set(n, flashflow);
      await redis.flushAll();
    }
    const standalone = await flashflowConfig('standalone', async () => {
      const setup = await startStandalone({ modelUrl, dagsFolder });
      return { ...setup, roles: new Map([...modelRole, ...setup.roles]) };
    }, log);
    return { raw, workers, standalone, failover };
  } finally {
    model?.killGroup();
    await Promise.all([postgres.stop(), redis.stop()]);
    await removeTempDirs();
  }
}

/**
 * "12 req/s: worker 0.42, postgres 0.31, …; 38 ms CPU per task; machine 1.9 of 2": cores per process, busiest
 * first, what this bench's processes spent per task, and the whole machine's load (other users' included).
 */
function cpuLine(step: StepResult): string {
  const { machine, ...ours } = step.cores;
  const parts = Object.entries(ours).filter(([, c]) => c >= 0.01).sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${c.toFixed(2)}`);
  const perTaskMs = (Object.values(ours).reduce((a, b) => a + b, 0) / (step.completionRate * TASKS_PER_REQUEST)) * 1000;
  return `${String(step.rate).padStart(3)} req/s: ${parts.join(', ')}; ${perTaskMs.toFixed(1)} ms CPU per task; machine ${(machine ?? NaN).toFixed(2)} of ${os.availableParallelism()}`;
}

function latencyNote(f: ConfigFigures): string {
  const h = f.half;
  return h ? `p50 ${Math.round(h.p50Ms)} ms / p95 ${Math.round(h.p95Ms)} ms at ${h.rate} req/s` : 'no step held';
}

export function reportScale(b: ScaleBench): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const all: ConfigFigures[] = [...[...b.raw.values()], ...[...b.workers.values()], b.standalone];
  out('CPU per process (cores) at the highest rate that held, then at the first that did not:');
  for (const f of all) out(`  ${f.label.padEnd(22)} ${cpuLine(f.atMax)}${f.beyond ? `\n  ${''.padEnd(22)} ${cpuLine(f.beyond)}` : ''}`);

  const tasks = (f: ConfigFigures, name: string) => ({ name, value: f.tasksPerS, unit: 'tasks/s' });
  for (const n of WORKER_COUNTS) {
    const raw = b.raw.get(n)!;
    const ff = b.workers.get(n)!;
    report({ name: `scale_raw_bullmq_tasks_per_s_workers_${n}`, value: raw.tasksPerS, unit: 'tasks/s', note: `${raw.requestsPerS.toFixed(1)} req/s; ${latencyNote(raw)}` });
    report({
      name: `scale_tasks_per_s_workers_${n}`, value: ff.tasksPerS, unit: 'tasks/s', baseline: tasks(raw, `raw BullMQ, ${n} worker${n > 1 ? 's' : ''}`),
      note: `${ff.requestsPerS.toFixed(1)} req/s; ${latencyNote(ff)}; scheduler ${ff.schedulerCpuSPer1000?.toFixed(2)} CPU s per 1,000 tasks`,
    });
  }
  // The best scale-out configuration, and raw BullMQ with the same number of workers.
  const [bestN, best] = [...b.workers.entries()].reduce((a, e) => (e[1].tasksPerS > a[1].tasksPerS ? e : a));
  const raw = b.raw.get(bestN)!;
  const peer = `raw BullMQ, ${bestN} worker${bestN > 1 ? 's' : ''}`;
  report({ name: 'scale_raw_bullmq_tasks_per_s', value: raw.tasksPerS, unit: 'tasks/s', note: `${bestN} worker process${bestN > 1 ? 'es' : ''} × ${WORKER_SLOTS} slots, the best Flashflow configuration's count` });
  report({ name: 'scale_ratio_to_raw_bullmq', value: best.tasksPerS / raw.tasksPerS, unit: '×', note: `Flashflow with ${bestN} worker${bestN > 1 ? 's' : ''} ÷ ${peer}; target ≥ 0.5` });
  report({ name: 'scale_requests_per_s_max', value: best.requestsPerS, unit: 'req/s', baseline: { name: peer, value: raw.requestsPerS, unit: 'req/s' }, note: `catalog_request runs (4 tasks each), ${bestN} worker${bestN > 1 ? 's' : ''}` });
  const halfOf = (f: ConfigFigures, key: 'p50Ms' | 'p95Ms') => f.half?.[key] ?? NaN;
  report({ name: 'scale_p50_latency_ms', value: halfOf(best, 'p50Ms'), unit: 'ms', baseline: { name: peer, value: halfOf(raw, 'p50Ms'), unit: 'ms' }, note: `trigger → run ended, at ${best.half?.rate} req/s (half the max)` });
  report({ name: 'scale_p95_latency_ms', value: halfOf(best, 'p95Ms'), unit: 'ms', baseline: { name: peer, value: halfOf(raw, 'p95Ms'), unit: 'ms' }, note: `trigger → run ended, at ${best.half?.rate} req/s (half the max)` });
  report({ name: 'scale_scheduler_cpu_s_per_1000_tasks', value: best.schedulerCpuSPer1000 ?? NaN, unit: 'CPU s', note: `the scheduler process over the whole ramp, ${bestN} worker${bestN > 1 ? 's' : ''}` });
  if (b.failover) {
    const f = b.failover;
    report({ name: 'scheduler_failover_s', value: f.progressS, unit: 's', note: `SIGKILL of the active scheduler at ${f.rate} req/s → first run ended by the standby (it logged active after ${f.activeS.toFixed(2)} s); every request still ended once; target ≤ 10 s` });
  }
  const s = b.standalone;
  const rawOne = b.raw.get(1)!;
  report({ name: 'scale_standalone_tasks_per_s', value: s.tasksPerS, unit: 'tasks/s', baseline: tasks(rawOne, 'raw BullMQ, 1 worker'), note: `flashflow standalone (embedded PGlite, local executor, 2 runners × 16); ${s.requestsPerS.toFixed(1)} req/s` });
  report({ name: 'scale_standalone_p95_latency_ms', value: halfOf(s, 'p95Ms'), unit: 'ms', note: latencyNote(s) });
}
