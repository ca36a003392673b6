// Runs a `mysql` task inside a task runner through the MySqlHook; the rows are the XCom. SQL errors (syntax,
// missing table, duplicate key, access denied) fail without retry; lost connections, deadlocks and lock wait
// timeouts use the retries.
import { NonRetriableError } from '../engine/task-context';
import { MySqlHook } from '../hooks/mysql-hook';
import { formatZodIssues } from '../kernel/zod-issues';
import type { OperatorContext } from './operator-context';
import { mySqlArgsSchema } from './mysql';

export async function runMySql(rawArgs: Record<string, unknown>, ctx: OperatorContext): Promise<unknown> {
  const parsed = mySqlArgsSchema.safeParse(rawArgs);
  if (!parsed.success) throw new NonRetriableError(`mysql: invalid arguments: ${formatZodIssues(parsed.error)}`);
  const args = parsed.data;
  const hook = await MySqlHook.fromConnection(ctx, args.connId);
  return hook.run(args.sql, { parameters: args.parameters, handler: args.handler, maxRows: args.maxRows });
}
