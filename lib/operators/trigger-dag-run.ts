// Execution of triggerDag: asks the server to create the run (idempotent per run id, so a retried try
// finds the run it already made), then optionally pokes its state.
import { NonRetriableError } from '../engine/task-context';
import type { OperatorContext, OperatorRun } from './operator-context';
import { poke } from './poke';
import { triggerDagArgsSchema } from './trigger-dag';

export const runTriggerDag: OperatorRun = async (rawArgs, ctx) => {
  const args = triggerDagArgsSchema.parse(rawArgs);
  const runId = args.runId ?? `triggered__${ctx.dagId}__${ctx.runId}`;
  const existing = await ctx.services.runs.state({ dagId: args.dagId, runId });
  if (existing === null) {
    const conf = { ...args.conf, ...confFromInput(ctx) };
    await ctx.services.dags.trigger({ dagId: args.dagId, conf, runId, ...(args.sameLogicalDate ? { logicalDate: ctx.logicalDate } : {}) });
    ctx.log.info(`triggered ${args.dagId} run ${runId}`);
  } else {
    ctx.log.info(`${args.dagId} run ${runId} already exists (state ${existing}); not triggering again`);
  }
  if (!args.waitForCompletion) return { dag_id: args.dagId, dag_run_id: runId };
  const state = await poke(ctx, { intervalMs: args.pokeInterval, timeoutMs: args.timeout, what: `${args.dagId} run ${runId}` }, async () => {
    const s = await ctx.services.runs.state({ dagId: args.dagId, runId });
    if (s && (args.failedStates as string[]).includes(s)) return { fail: `triggered run ${args.dagId}/${runId} ended ${s}` };
    return s === 'success' || s === 'failed' ? { done: true, value: s } : { done: false };
  });
  return { dag_id: args.dagId, dag_run_id: runId, state };
};

/** The conf an upstream task computed, given to this task as its input `conf`; none without that input. */
function confFromInput(ctx: OperatorContext): Record<string, unknown> {
  const value = ctx.inputs.conf;
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NonRetriableError(`triggerDag: input 'conf' must be an object of conf keys, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}
