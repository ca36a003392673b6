// Execution of `athenaQuery`: every poke starts the query with a token derived from the try, so Athena hands back
// the execution the first poke started (the id needs no storing between reschedules), then reads its state. A new
// try, after a failure or a clear, has a new token and runs the query anew.
import { createHash } from 'node:crypto';
import { RescheduleTaskError } from '../engine/task-context';
import { AthenaHook, ATHENA_TERMINAL_STATES } from '../hooks/athena-hook';
import { athenaQuerySchema, type AthenaQueryResult } from './athena';
import type { OperatorContext, OperatorRun } from './operator-context';
import { poke } from './poke';

export function athenaRequestToken(ctx: Pick<OperatorContext, 'dagId' | 'runId' | 'taskId' | 'mapIndex' | 'tryNumber'>): string {
  return createHash('sha256').update(JSON.stringify([ctx.dagId, ctx.runId, ctx.taskId, ctx.mapIndex, ctx.tryNumber])).digest('hex');
}

export const runAthenaQuery: OperatorRun = async (rawArgs, ctx): Promise<AthenaQueryResult> => {
  const a = athenaQuerySchema.parse(rawArgs);
  const hook = await AthenaHook.fromConnection(ctx, a.connId);
  const id = await hook.startQuery({ ...a, clientRequestToken: athenaRequestToken(ctx) });
  ctx.log.info('Athena query %s in database %s', id, a.database);
  let running = true;
  try {
    return (await poke(ctx, { mode: a.mode, intervalMs: a.pollInterval, timeoutMs: a.timeout, what: `Athena query ${id}` }, async () => {
      const q = await hook.queryState(id);
      running = !(ATHENA_TERMINAL_STATES as readonly string[]).includes(q.state);
      if (running) return { done: false };
      if (q.state !== 'SUCCEEDED') return { fail: `Athena query ${id} ${q.state}${q.reason ? `: ${q.reason}` : ''}` };
      const result: AthenaQueryResult = { query_execution_id: id, output_location: q.outputLocation, row_count: await hook.countRows(id) };
      return { done: true, value: result };
    })) as AthenaQueryResult;
  } catch (error) {
    // A timeout or an abort leaves the query running in Athena, billed, for nobody: stop it. A reschedule does not.
    if (running && !(error instanceof RescheduleTaskError)) await hook.stopQuery(id).catch(() => {});
    throw error;
  }
};
