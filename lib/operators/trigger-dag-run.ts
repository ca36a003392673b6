// Execution of triggerDag: asks the server to create the run (idempotent per run id, so a retried try
// finds the run it already made), then optionally pokes its state.
import type { OperatorRun } from './operator-context';
import { poke } from './poke';
import { triggerDagArgsSchema } from './trigger-dag';

export const runTriggerDag: OperatorRun = async (rawArgs, ctx) => {
  const args = triggerDagArgsSchema.parse(rawArgs);
  const runId = args.runId ?? `triggered__${ctx.dagId}__${ctx.runId}`;
  const existing = await ctx.services.runs.state({ dagId: args.dagId, runId });
  if (existing === null) {
    await ctx.services.dags.trigger({ dagId: args.dagId, conf: args.conf ?? {}, runId });
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
