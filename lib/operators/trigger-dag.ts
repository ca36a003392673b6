// `triggerDag({ dagId })`: a task that starts a run of another DAG (Airflow's TriggerDagRunOperator),
// optionally waiting until that run ends.
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { durationArg } from './duration-arg';
import { formatZodIssues } from '../kernel/zod-issues';

export const triggerDagArgsSchema = z.object({
  dagId: z.string().min(1),
  conf: z.record(z.string(), z.unknown()).optional(),
  /** Run id of the triggered run; default `triggered__<this run id>`, so a retry does not trigger twice. */
  runId: z.string().min(1).optional(),
  waitForCompletion: z.boolean().default(false),
  pokeInterval: durationArg.default(5_000),
  timeout: durationArg.default(7 * 86_400_000),
  failedStates: z.array(z.enum(['success', 'failed'])).default(['failed']),
}).strict();

export function triggerDag(args: z.input<typeof triggerDagArgsSchema>): OperatorSpec {
  const parsed = triggerDagArgsSchema.safeParse(args);
  if (!parsed.success) throw new Error(`triggerDag(): invalid arguments: ${formatZodIssues(parsed.error)}`);
  return { operator: 'trigger-dag', args: parsed.data };
}
