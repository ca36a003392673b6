// Runs a database command where the database is: inside the running server (over its control socket)
// or, when no server holds the embedded database, in this process after syncing the DAG folder.
import { HomeLockedError } from '../../store/home-lock';
import { parseInChild } from '../../dag-processing/parse-in-child';
import { syncDags } from '../../store/sync-dags';
import type { FlashflowConfig } from '../../runtime/config';
import type { Logger } from '../../runtime/logger';
import { openMigratedDatabase, startRuntime, type Runtime } from '../../runtime/start-runtime';
import { callControlSocket } from '../control-socket';
import { runDbCommand, type CommandContext } from './db-commands';

export async function runWhereTheDatabaseIs(
  config: FlashflowConfig,
  command: string,
  args: Record<string, unknown>,
  progress: (line: string) => void,
  log: Logger,
): Promise<unknown> {
  let db;
  try {
    db = await openMigratedDatabase(config);
  } catch (err) {
    if (err instanceof HomeLockedError) return callControlSocket(config.home, command, args, progress);
    throw err;
  }
  let runtime: Runtime | null = null;
  try {
    await syncDags(db.sql, await parseInChild(config.dagsFolder), new Date());
    const ctx: CommandContext = {
      sql: db.sql,
      now: () => new Date(),
      wake: () => runtime?.scheduler.wake(),
      runtime: async () => (runtime ??= await startRuntime(config, { db, log, createScheduledRuns: false })),
    };
    return await runDbCommand(command, ctx, args, progress);
  } finally {
    if (runtime) await (runtime as Runtime).stop();
    else await db.close();
  }
}
