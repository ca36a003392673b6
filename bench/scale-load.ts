// The load generator of `npm run bench -- scale`: open-loop requests at rising rates against one target (Flashflow
// through its REST API, or the raw BullMQ baseline), until latency or throughput gives way. Bounded in count and in
// time, loopback only. Each step drains before the next, so a step measures its own rate and not the backlog of
// the one before.
import { percentile } from './report';

export interface Completion {
  id: string;
  /** When the request ended, epoch ms, by the clock of the machine (everything runs on this one). */
  endMs: number;
  ok: boolean;
}

export interface LoadTarget {
  /** Sends one request; resolves once it is accepted. */
  trigger(id: string): Promise<void>;
  /** Requests that ended since some recent moment; may repeat ones reported before. */
  poll(): Promise<Completion[]>;
}

export interface StepResult {
  rate: number;
  sent: number;
  done: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  /** Requests ended per second, from the spread of their end times (10th to 90th percentile). */
  completionRate: number;
  /** How late the generator sent its last request (the target did not take them as fast as offered). */
  sendLagMs: number;
  drained: boolean;
  /** Sent and not ended when the step gave up waiting. */
  pending: string[];
  /** Cores each labelled process tree used during the step (`sample`'s CPU seconds over the step's wall time). */
  cores: Record<string, number>;
  /** Why this step does not count as sustained, or null. */
  verdict: string | null;
}

export interface RampOptions {
  label: string;
  startRate: number;
  /** The ramp never offers more than this, whatever happens. */
  maxRate: number;
  stepS: number;
  /** Time allowed after the last send for every request of the step to end. */
  drainS: number;
  pollMs: number;
  /** Requests sent and not yet accepted; more means the target no longer keeps up with the offer. */
  maxTriggersInFlight: number;
  /** Sustained: p95 within this factor of the first (lowest) step's p95, plus `latencyAllowanceMs`. */
  latencyFactor: number;
  /**
   * A wait some requests make whatever the load (a model's 503 asks for Retry-After: 1): when about as many
   * requests make it as p95 looks past (1 in 20), p95 jumps by it from one step to the next at random.
   */
  latencyAllowanceMs: number;
  /** Sustained: completion rate at least this share of the offered rate. */
  minCompletionShare: number;
  log: (line: string) => void;
  /** CPU seconds so far by label, read before and after each step. */
  sample: () => Record<string, number>;
}

export interface RampResult {
  steps: StepResult[];
  /** The highest step that held, or null when even the first did not. */
  max: StepResult | null;
  /** The step nearest half of max's rate (p50/p95 there is the latency to quote). */
  half: StepResult | null;
  /** Every request accepted, by id: the configuration's check compares them with what the target recorded. */
  ids: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One step: `rate` requests per second for `stepS` seconds, then waits for them to end (up to `drainS`). */
export async function runStep(target: LoadTarget, rate: number, o: RampOptions, idPrefix: string, ids: string[], firstP95: number | null): Promise<StepResult> {
  const planned = Math.max(2, Math.round(rate * o.stepS));
  const sentAt = new Map<string, number>();
  const ended = new Map<string, Completion>();
  let inFlight = 0;
  let triggerErrors = 0;
  let firstError = '';
  let sendLagMs = 0;
  let sending = true;
  let stoppedEarly = false;
  let drainDeadline = Infinity;

  // Completions, polled while sending and after, at a fixed interval however many requests are out.
  const polling = (async () => {
    for (;;) {
      const waiting = sentAt.size - ended.size;
      if (!sending && waiting === 0) return;
      if (!sending && Date.now() > drainDeadline) return;
      for (const c of await target.poll()) if (sentAt.has(c.id) && !ended.has(c.id)) ended.set(c.id, c);
      await sleep(o.pollMs);
    }
  })();

  const t0 = Date.now();
  const cpuBefore = o.sample();
  const interval = 1000 / rate;
  // A backlog bigger than this many seconds of offer (or of the first step's p95, when that is longer) is a
  // saturated target: stop offering early rather than spend the rest of the step and the drain on it.
  const backlogLimit = rate * Math.max(3, (5 * (firstP95 ?? 0)) / 1000);
  for (let i = 0; i < planned; ) {
    const now = Date.now();
    const due = t0 + i * interval;
    if (due > now) {
      await sleep(Math.min(due - now, 20));
      continue;
    }
    if (inFlight >= o.maxTriggersInFlight) {
      await sleep(2);
      continue;
    }
    if (now - t0 > 3000 && sentAt.size - ended.size > backlogLimit) {
      stoppedEarly = true;
      break;
    }
    sendLagMs = Math.max(sendLagMs, now - due);
    const id = `${idPrefix}_${String(i).padStart(5, '0')}`;
    sentAt.set(id, now);
    inFlight++;
    target.trigger(id).then(
      () => {
        inFlight--;
        ids.push(id);
      },
      (err: Error) => {
        inFlight--;
        triggerErrors++;
        firstError ||= err.message;
        // Never accepted, so never to end: not waited for.
        sentAt.delete(id);
      },
    );
    i++;
  }
  while (inFlight > 0) await sleep(5);
  drainDeadline = Date.now() + o.drainS * 1000;
  sending = false;
  await polling;
  const wallS = (Date.now() - t0) / 1000;
  const cpuAfter = o.sample();
  const cores = Object.fromEntries(Object.entries(cpuAfter).map(([k, v]) => [k, (v - (cpuBefore[k] ?? 0)) / wallS]));

  const latencies: number[] = [];
  const ends: number[] = [];
  let failed = 0;
  for (const [id, c] of ended) {
    latencies.push(c.endMs - sentAt.get(id)!);
    ends.push(c.endMs);
    if (!c.ok) failed++;
  }
  ends.sort((a, b) => a - b);
  // Between the 10th and the 90th percentile of the ends: the few requests that waited out a 503's Retry-After
  // stretched the full spread by a second at random (an 8 s step then read as 11 % slower than it was).
  const first = Math.floor(0.1 * (ends.length - 1));
  const last = Math.ceil(0.9 * (ends.length - 1));
  const spreadS = last > first ? (ends[last]! - ends[first]!) / 1000 : NaN;
  const completionRate = last > first ? (last - first) / spreadS : NaN;
  const step: StepResult = {
    rate,
    sent: sentAt.size,
    done: ended.size,
    failed,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    completionRate,
    sendLagMs,
    drained: ended.size === sentAt.size,
    pending: [...sentAt.keys()].filter((id) => !ended.has(id)),
    cores,
    verdict: null,
  };
  step.verdict =
    triggerErrors > 0 ? `${triggerErrors} triggers refused (${firstError})`
    : stoppedEarly ? `backlog over ${Math.round(backlogLimit)} requests: stopped offering`
    : !step.drained ? `${step.sent - step.done} requests not ended ${o.drainS} s after the last send`
    : failed > 0 ? `${failed} requests failed`
    : sendLagMs > 1000 ? `triggers accepted ${(sendLagMs / 1000).toFixed(1)} s late`
    : completionRate < o.minCompletionShare * rate ? `ended ${completionRate.toFixed(1)}/s, under ${Math.round(o.minCompletionShare * 100)} % of the offer`
    : firstP95 !== null && step.p95Ms > o.latencyFactor * firstP95 + o.latencyAllowanceMs
      ? `p95 ${Math.round(step.p95Ms)} ms, over ${o.latencyFactor}× the first step's ${Math.round(firstP95)} ms + ${o.latencyAllowanceMs} ms`
    : null;
  return step;
}

/**
 * Doubles the rate from `startRate` until a step does not hold, then bisects twice between the highest rate that
 * held and the lowest that did not (×1.5 of the last good rate, then halfway again), so the maximum is known within
 * a factor of about 1.2 for two extra steps.
 */
export async function ramp(target: LoadTarget, o: RampOptions): Promise<RampResult> {
  const steps: StepResult[] = [];
  const ids: string[] = [];
  let max: StepResult | null = null;
  let firstP95: number | null = null;
  const step = async (rate: number) => {
    const s = await runStep(target, rate, o, `${o.label}_r${rate}`, ids, firstP95);
    steps.push(s);
    firstP95 ??= s.verdict === null ? s.p95Ms : null;
    o.log(
      `  ${o.label} ${String(rate).padStart(4)} req/s: ${s.done}/${s.sent} ended, ${s.completionRate.toFixed(1)}/s, ` +
        `p50 ${Math.round(s.p50Ms)} ms, p95 ${Math.round(s.p95Ms)} ms${s.verdict ? ` — ${s.verdict}` : ' — holds'}`,
    );
    if (s.verdict === null && (max === null || s.rate > max.rate)) max = s;
    return s;
  };
  // Warm-up, not measured: the first runs pay for imports in fresh processes, which no later step does.
  const warm = await runStep(target, o.startRate, { ...o, stepS: WARM_UP_S }, `${o.label}_warm`, ids, null);
  o.log(`  ${o.label} warm-up: ${warm.done}/${warm.sent} ended, p95 ${Math.round(warm.p95Ms)} ms`);
  await waitEnded(target, warm.pending, o);
  for (let rate = o.startRate; ; rate *= 2) {
    if ((await step(rate)).verdict !== null || rate * 2 > o.maxRate) break;
  }
  for (let refinement = 0; refinement < REFINEMENTS; refinement++) {
    const held = (max as StepResult | null)?.rate;
    const failed = steps.filter((s) => s.verdict !== null && held !== undefined && s.rate > held).map((s) => s.rate);
    if (held === undefined || failed.length === 0) break;
    const lowestFailed = Math.min(...failed);
    const mid = Math.round((held + lowestFailed) / 2);
    if (mid / held <= 1.1 || mid >= lowestFailed) break;
    // A failed step may leave a backlog: it clears before the next step, which would measure it otherwise.
    await waitEnded(target, steps[steps.length - 1]!.pending, o);
    await step(mid);
  }
  // And before the configuration's check, which wants every request ended.
  await waitEnded(target, steps[steps.length - 1]!.pending, o);
  const best = max as StepResult | null;
  const half = best === null ? null : nearest(steps.filter((s) => s.verdict === null), best.rate / 2);
  return { steps, max: best, half, ids };
}

const WARM_UP_S = 3;
const REFINEMENTS = 2;
const LEFTOVER_TIMEOUT_MS = 90_000;

async function waitEnded(target: LoadTarget, pending: string[], o: RampOptions): Promise<void> {
  const left = new Set(pending);
  const deadline = Date.now() + LEFTOVER_TIMEOUT_MS;
  if (left.size > 0) o.log(`  ${o.label}: waiting for ${left.size} requests left by the last step`);
  while (left.size > 0 && Date.now() < deadline) {
    for (const c of await target.poll()) left.delete(c.id);
    if (left.size > 0) await sleep(o.pollMs);
  }
}

function nearest(steps: StepResult[], rate: number): StepResult | null {
  let pick: StepResult | null = null;
  for (const s of steps) if (pick === null || Math.abs(Math.log(s.rate / rate)) < Math.abs(Math.log(pick.rate / rate))) pick = s;
  return pick;
}
