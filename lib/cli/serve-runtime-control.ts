// The control socket of a process that runs the engine: CLI commands that need the embedded database run
// here, against this process's runtime (DESIGN.md §1).
import type { Runtime } from '../runtime/start-runtime';
import { serveControlSocket } from '../ops/control-socket';
import { runDbCommand } from './db-commands';

export function serveRuntimeControl(home: string, runtime: Runtime): Promise<{ close(): Promise<void> }> {
  return serveControlSocket(home, (command, args, progress) =>
    runDbCommand(command, {
      sql: runtime.db.sql,
      prisma: runtime.db.prisma,
      now: () => runtime.clock.now(),
      wake: () => runtime.scheduler.wake(),
      runtime: async () => runtime,
      secrets: () => runtime.secrets,
      connectionEnv: runtime.config.connectionEnv,
      variableEnv: runtime.config.variableEnv,
      llmEnv: runtime.config.llmEnv,
    }, args, progress),
  );
}
