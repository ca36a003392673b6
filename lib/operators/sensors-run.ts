// Execution of the sensors in sensors.ts, inside the task runner; state comes from the server's services.
import type { OperatorRun } from './operator-context';
import { poke } from './poke';
import { assetSensorSchema, externalTaskSensorSchema, timeDeltaSensorSchema } from './sensors';

export const runExternalTaskSensor: OperatorRun = async (rawArgs, ctx) => {
  const a = externalTaskSensorSchema.parse(rawArgs);
  const logicalDate = new Date(ctx.logicalDate.getTime() + a.executionDelta);
  const what = `${a.externalDagId}${a.externalTaskId ? `.${a.externalTaskId}` : ''} at ${logicalDate.toISOString()}`;
  return poke(ctx, { mode: a.mode, intervalMs: a.pokeInterval, timeoutMs: a.timeout, what }, async () => {
    const state = await ctx.services.tasks.state({ dagId: a.externalDagId, taskId: a.externalTaskId, logicalDate });
    if (state && a.failedStates.includes(state)) return { fail: `${what} ended ${state}` };
    return state && a.allowedStates.includes(state) ? { done: true, value: state } : { done: false };
  });
};

export const runAssetSensor: OperatorRun = async (rawArgs, ctx) => {
  const a = assetSensorSchema.parse(rawArgs);
  return poke(ctx, { mode: a.mode, intervalMs: a.pokeInterval, timeoutMs: a.timeout, what: `an update of ${a.uri}` }, async () => {
    const at = await ctx.services.assets.latestEvent({ uri: a.uri, after: ctx.dataIntervalStart });
    return at ? { done: true, value: at } : { done: false };
  });
};

export const runTimeDeltaSensor: OperatorRun = async (rawArgs, ctx) => {
  const a = timeDeltaSensorSchema.parse(rawArgs);
  const target = ctx.dataIntervalEnd.getTime() + a.delta;
  const what = `${new Date(target).toISOString()}`;
  // A target closer than one interval is waited for exactly, not up to a whole interval past it.
  const intervalMs = Math.min(a.pokeInterval, Math.max(10, target - ctx.clock.now().getTime()));
  return poke(ctx, { mode: a.mode, intervalMs, timeoutMs: a.timeout, what }, async () =>
    ctx.clock.now().getTime() >= target ? { done: true, value: what } : { done: false },
  );
};
