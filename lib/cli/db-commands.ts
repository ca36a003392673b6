// CLI commands that need the database. Each runs either in the CLI's own process (no server holds the
// database) or inside the running server, over its control socket — the same function in both places.
import { z } from 'zod';
import { NotFoundError, InvalidInputError } from '../kernel/errors';
import { isDagPaused, listDagSummaries, listImportErrors, setPaused } from '../store/dag-admin';
import { connectionSource } from '../store/connections';
import { llmAllowedModels, triggerDagRun, type TriggerOptions } from '../store/trigger-dag-run';
import { watchRun } from './watch-run';
import type { CommandContext } from './command-context';
import { USER_COMMANDS } from './user-commands';
import { CONNECTION_COMMANDS } from './connection-commands';
import { VARIABLE_COMMANDS } from './variable-commands';
import { cleanDatabase, DbCleanArgs, parseOlderThan } from '../store/db-clean';

export type { CommandContext } from './command-context';


type Progress = (line: string) => void;

const DagIdArgs = z.object({ dag_id: z.string().min(1) });
const TriggerArgs = DagIdArgs.extend({
  conf: z.record(z.string(), z.unknown()).optional(),
  run_id: z.string().min(1).optional(),
  logical_date: z.coerce.date().optional(),
});

/** A person triggers from the CLI: the models they may name are the allowlist's (ADR 0030), as on the API. */
function personTrigger(ctx: CommandContext): TriggerOptions {
  // Lazily: the secret key is loaded only when a conf names a model.
  return { allowedModels: () => llmAllowedModels(connectionSource({ db: ctx.prisma, secrets: ctx.secrets(), env: ctx.connectionEnv }), ctx.llmEnv)() };
}

export const DB_COMMANDS = {
  ...USER_COMMANDS,
  ...CONNECTION_COMMANDS,
  ...VARIABLE_COMMANDS,

  /** `flashflow db clean`: rows older than the bound, per table (ADR 0032). */
  'db.clean': async (ctx: CommandContext, raw: unknown) => {
    const a = DbCleanArgs.parse(raw);
    return cleanDatabase(ctx.sql, { before: parseOlderThan(a.older_than, ctx.now()), tables: a.tables, dryRun: a.dry_run, batchSize: a.batch_size });
  },

  'dags.list': async (ctx: CommandContext) => ({
    dags: await listDagSummaries(ctx.sql),
    import_errors: await listImportErrors(ctx.sql),
  }),

  'dags.trigger': async (ctx: CommandContext, raw: unknown) => {
    const a = TriggerArgs.parse(raw);
    const run = await triggerDagRun(ctx.sql, { dagId: a.dag_id, conf: a.conf, runId: a.run_id, logicalDate: a.logical_date }, ctx.now(), personTrigger(ctx));
    await ctx.wake();
    return { dag_id: run.dagId, dag_run_id: run.runId, state: 'queued' };
  },

  'dags.pause': async (ctx: CommandContext, raw: unknown) => setPaused(ctx.sql, DagIdArgs.parse(raw).dag_id, true),

  'dags.unpause': async (ctx: CommandContext, raw: unknown) => {
    const result = await setPaused(ctx.sql, DagIdArgs.parse(raw).dag_id, false);
    await ctx.wake();
    return result;
  },

  /** One run to completion, printing each task's state as it changes (like `airflow dags test`). */
  'dags.test': async (ctx: CommandContext, raw: unknown, progress: Progress) => {
    const a = TriggerArgs.parse(raw);
    const paused = await isDagPaused(ctx.sql, a.dag_id);
    if (paused === null) throw new NotFoundError(`DAG '${a.dag_id}' not found`);
    if (paused) throw new InvalidInputError(`DAG '${a.dag_id}' is paused; unpause it first (flashflow dags unpause ${a.dag_id})`);
    // Only now: starting the engine parses the folder again and logs its import errors, noise before a refusal.
    const runtime = await ctx.runtime();
    const run = await triggerDagRun(ctx.sql, { dagId: a.dag_id, conf: a.conf, runId: a.run_id, logicalDate: a.logical_date, note: 'dags test' }, ctx.now(), personTrigger(ctx));
    runtime.scheduler.wake();
    return watchRun(ctx.sql, run, progress);
  },
} as const;

export type DbCommandName = keyof typeof DB_COMMANDS;

export function isDbCommand(name: string): name is DbCommandName {
  return Object.hasOwn(DB_COMMANDS, name);
}

export function runDbCommand(name: string, ctx: CommandContext, args: unknown, progress: Progress): Promise<unknown> {
  if (!isDbCommand(name)) throw new InvalidInputError(`unknown command '${name}'`);
  return (DB_COMMANDS[name] as (c: CommandContext, a: unknown, p: Progress) => Promise<unknown>)(ctx, args, progress);
}
