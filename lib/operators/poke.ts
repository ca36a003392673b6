// The loop every sensor shares: check, wait `interval`, check again, until the check says done or fail,
// the sensor's own timeout passes, or the try is aborted. The try holds its slot while it waits.
import { abortableSleep } from '../kernel/abortable-sleep';
import { NonRetriableError } from '../engine/task-context';
import type { TaskContext } from '../engine/task-context';

export type PokeResult = { done: true; value?: unknown } | { done: false } | { fail: string };

export async function poke(
  ctx: Pick<TaskContext, 'log' | 'signal'>,
  opts: { intervalMs: number; timeoutMs: number; what: string },
  check: () => Promise<PokeResult>,
): Promise<unknown> {
  const started = Date.now();
  for (let n = 1; ; n++) {
    const result = await check();
    if ('fail' in result) throw new NonRetriableError(result.fail);
    if (result.done) return result.value ?? true;
    if (Date.now() - started + opts.intervalMs > opts.timeoutMs) {
      throw new NonRetriableError(`sensor timed out after ${Math.round((Date.now() - started) / 1000)} s waiting for ${opts.what}`);
    }
    if (n === 1 || n % 10 === 0) ctx.log.info(`poke ${n}: still waiting for ${opts.what}`);
    await abortableSleep(opts.intervalMs, ctx.signal);
  }
}
