// Runs a `sql` task inside a task runner through the SqlHook; the rows are the XCom. SQL errors (syntax, missing
// table, constraint) fail without retry; lost connections, deadlocks and serialization failures use the retries.
import { NonRetriableError } from '../engine/task-context';
import { SqlHook } from '../hooks/sql-hook';
import type { OperatorContext } from './operator-context';
import { sqlArgsSchema } from './sql';
import { formatZodIssues } from '../kernel/zod-issues';

export async function runSql(rawArgs: Record<string, unknown>, ctx: OperatorContext): Promise<unknown> {
  const parsed = sqlArgsSchema.safeParse(rawArgs);
  if (!parsed.success) throw new NonRetriableError(`sql: invalid arguments: ${formatZodIssues(parsed.error)}`);
  const args = parsed.data;
  const hook = await SqlHook.fromConnection(ctx, args.connId);
  return hook.run(args.sql, { parameters: args.parameters, handler: args.handler, maxRows: args.maxRows });
}
