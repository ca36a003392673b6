// `triggerDag({ dagId })`: a task that starts a run of another DAG (Airflow's TriggerDagRunOperator),
// optionally waiting until that run ends. Where Airflow templates `conf` from an upstream XCom and `logical_date`
// from the run, the task takes an input named `conf` (an upstream task's result) and `sameLogicalDate`.
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { durationArg } from './duration-arg';
import { formatZodIssues } from '../kernel/zod-issues';

export const triggerDagArgsSchema = z.object({
  dagId: z.string().min(1),
  /** Fixed conf; when the task has an input named `conf` (an object), its keys are merged over these. */
  conf: z.record(z.string(), z.unknown()).optional(),
  /**
   * Give the triggered run this run's logical date instead of the time of the trigger, so an external-task sensor
   * in it that waits on this DAG at its own logical date finds this run.
   */
  sameLogicalDate: z.boolean().default(false),
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
