// The loop every sensor shares: check until the check says done or fail, or the sensor's own timeout passes.
// In poke mode the try holds its slot and sleeps between checks. In reschedule mode (ADR 0022) each run of the try
// checks once and, when not done, ends asking to run again after the interval, so nothing is held while it waits.
import { NonRetriableError, RescheduleTaskError } from '../engine/task-context';
import type { OperatorContext } from './operator-context';

export const SENSOR_MODES = ['poke', 'reschedule'] as const;
export type SensorMode = (typeof SENSOR_MODES)[number];

export type PokeResult = { done: true; value?: unknown } | { done: false } | { fail: string };

export interface PokeOptions {
  /** Default 'poke'. */
  mode?: SensorMode;
  intervalMs: number;
  /** Counted from the try's first check, across the runs of a rescheduled try. */
  timeoutMs: number;
  what: string;
}

export async function poke(
  ctx: Pick<OperatorContext, 'log' | 'signal' | 'clock' | 'firstPokeAt'>,
  opts: PokeOptions,
  check: () => Promise<PokeResult>,
): Promise<unknown> {
  const started = (ctx.firstPokeAt ?? ctx.clock.now()).getTime();
  for (let n = 1; ; n++) {
    const result = await check();
    if ('fail' in result) throw new NonRetriableError(result.fail);
    if (result.done) return result.value ?? true;
    const now = ctx.clock.now().getTime();
    if (now - started + opts.intervalMs > opts.timeoutMs) {
      throw new NonRetriableError(`sensor timed out after ${Math.round((now - started) / 1000)} s waiting for ${opts.what}`);
    }
    if (opts.mode === 'reschedule') {
      const at = new Date(now + opts.intervalMs);
      ctx.log.info(`still waiting for ${opts.what}; next poke at ${at.toISOString()}, holding no slot meanwhile`);
      throw new RescheduleTaskError(at);
    }
    if (n === 1 || n % 10 === 0) ctx.log.info(`poke ${n}: still waiting for ${opts.what}`);
    await ctx.clock.sleep(opts.intervalMs, ctx.signal);
    ctx.signal.throwIfAborted();
  }
}
