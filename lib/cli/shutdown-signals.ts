// SIGINT/SIGTERM for the long-running commands (standalone, webserver, scheduler): stop once, cleanly, and exit;
// a stop that hangs is cut short so that a supervisor's restart is never blocked.
import type { Logger } from '../runtime/logger';

const FORCE_EXIT_MS = 15_000;

/** Returns the function that stops the process (also for other reasons than a signal, with that exit code). */
export function exitOnSignals(log: Logger, stop: () => Promise<void>): (reason: string, code?: number) => Promise<void> {
  let stopping = false;
  const shutdown = async (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log(code === 0 ? 'info' : 'error', `${reason}, stopping`);
    const force = setTimeout(() => process.exit(1), FORCE_EXIT_MS);
    force.unref();
    try {
      await stop();
    } catch (err) {
      log('error', `stopping failed: ${(err as Error).message}`);
      code = code || 1;
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT received'));
  process.on('SIGTERM', () => void shutdown('SIGTERM received'));
  return shutdown;
}
