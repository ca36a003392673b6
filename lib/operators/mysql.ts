// The `mysql` operator as DAG files use it (Airflow's MySqlOperator, now SQLExecuteQueryOperator on a MySQL
// connection), for MySQL and MariaDB:
//   d.task('count', mysql({ connId: 'shop', sql: 'SELECT count(*) AS n FROM orders WHERE day = ?', parameters: ['2024-01-01'] }))
// Its arguments are the `sql` operator's, with `?` placeholders; the rows (JSON-safe) are the XCom. Checked when the
// DAG file is imported.
import type { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { formatZodIssues } from '../kernel/zod-issues';
import { sqlArgsSchema } from './sql';

export const mySqlArgsSchema = sqlArgsSchema;

export type MySqlArgs = z.input<typeof mySqlArgsSchema>;

export function mysql(args: MySqlArgs): OperatorSpec {
  const parsed = mySqlArgsSchema.safeParse(args);
  if (!parsed.success) throw new Error(`mysql(): invalid arguments: ${formatZodIssues(parsed.error)}`);
  return { operator: 'mysql', args: parsed.data };
}
