// Runs a database command where the database is: inside the running server (over its control socket)
// or, when no server holds the embedded database, in this process after syncing the DAG folder.
import { HomeLockedError } from '../store/home-lock';
import { syncDags } from '../store/sync-dags';
import { parseDagsForCommand } from './command-dag-parse';
import type { FlashflowConfig } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { openMigratedDatabase } from '../runtime/open-migrated-database';
import type { Runtime } from '../runtime/start-runtime';
import { callControlSocket, ControlSocketUnavailableError } from '../ops/control-socket';
import { runDbCommand, type CommandContext } from './db-commands';
import { notify, SCHEDULER_CHANNEL } from '../store/pg-notifications';
import { loadSecretBox } from '../secrets/secret-key';
import type { SecretBox } from '../secrets/secret-box';

/** How long a command waits for a home held by another command that serves no control socket. */
const LOCK_WAIT_MS = 30_000;

export async function runWhereTheDatabaseIs(
  config: FlashflowConfig,
  command: string,
  args: Record<string, unknown>,
  progress: (line: string) => void,
  log: Logger,
  options: { syncDags?: boolean } = {},
): Promise<unknown> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let db;
  for (;;) {
    try {
      db = await openMigratedDatabase(config);
      break;
    } catch (err) {
      if (!(err instanceof HomeLockedError)) throw err;
      try {
        return await callControlSocket(config.home, command, args, progress);
      } catch (socketErr) {
        // Nobody answers: the holder is another one-shot command (or a server still starting). Wait for our turn.
        if (!(socketErr instanceof ControlSocketUnavailableError)) throw socketErr;
        if (Date.now() > deadline) {
          throw new Error(`${err.message} (it does not answer on its control socket; if it is another flashflow command, try again when it has finished)`, { cause: socketErr });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
  let runtime: Runtime | null = null;
  let secrets: SecretBox | null = null;
  try {
    // Account commands need no DAGs; parsing the folder would only slow them down and print its import errors.
    if (options.syncDags !== false) await syncDags(db.sql, await parseDagsForCommand(config), new Date());
    const ctx: CommandContext = {
      sql: db.sql,
      prisma: db.prisma,
      now: () => new Date(),
      // No server on this home: a scheduler may still run elsewhere on the same PostgreSQL database.
      wake: () => (runtime ? runtime.scheduler.wake() : config.databaseUrl ? notify(db.sql, SCHEDULER_CHANNEL, 'reload') : undefined),
      // Loaded only by the commands that run DAGs: the runtime's modules cost most of a command's start.
      runtime: async () => (runtime ??= await (await import('../runtime/start-runtime')).startRuntime(config, { db, log, createScheduledRuns: false })),
      // As the server loads it: a new embedded home gets its key here if a connection is added before the first start.
      secrets: () => (secrets ??= (() => {
        const loaded = loadSecretBox({ envKey: config.secretKey, home: config.home, generate: !config.databaseUrl });
        for (const w of loaded.warnings) log('warn', w);
        return loaded.box;
      })()),
      connectionEnv: config.connectionEnv,
      variableEnv: config.variableEnv,
      llmEnv: config.llmEnv,
    };
    return await runDbCommand(command, ctx, args, progress);
  } finally {
    if (runtime) await (runtime as Runtime).stop();
    else await db.close();
  }
}
