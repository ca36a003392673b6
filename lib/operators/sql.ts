// The `sql` operator as DAG files use it (Airflow's SQLExecuteQueryOperator, PostgreSQL connections):
//   d.task('count', sql({ connId: 'warehouse', sql: 'SELECT count(*) AS n FROM orders WHERE day = $1', parameters: ['2024-01-01'] }))
// The rows (JSON-safe) are the XCom. Arguments are checked when the DAG file is imported.
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { connIdSchema } from '../connections/connection-model';
import { formatZodIssues } from '../kernel/zod-issues';

const statement = z.string().refine((s) => s.trim() !== '', 'must not be empty');
const parameter = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))]);

export const sqlArgsSchema = z
  .object({
    connId: connIdSchema,
    /** One statement, or a list run in one transaction (the handler applies to the last one). */
    sql: z.union([statement, z.array(statement).min(1)]),
    /** Placeholder values of a single statement: `$1…$n` on PostgreSQL, `?` on MySQL. */
    parameters: z.array(parameter).optional(),
    /** XCom: every row (default), the first row or null, or null. */
    handler: z.enum(['rows', 'first', 'none']).optional(),
    /** Most rows handler 'rows' may return (default 10,000); more fail the task, a list of statements rolled back. */
    maxRows: z.number().int().positive().optional(),
  })
  .strict()
  .refine((a) => !(Array.isArray(a.sql) && a.sql.length > 1 && a.parameters?.length), {
    message: 'parameters can only be given with a single statement',
    path: ['parameters'],
  });

export type SqlArgs = z.input<typeof sqlArgsSchema>;

export function sql(args: SqlArgs): OperatorSpec {
  const parsed = sqlArgsSchema.safeParse(args);
  if (!parsed.success) throw new Error(`sql(): invalid arguments: ${formatZodIssues(parsed.error)}`);
  return { operator: 'sql', args: parsed.data };
}
