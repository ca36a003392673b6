// Keeps the home lock file's mtime fresh from a worker thread: PGlite runs queries on the main thread, and a long
// migration or `db clean` must not look like a dead holder. The worker also notices when the file it refreshes is
// no longer ours (removed, or replaced by a process that judged it stale) and says so once.
import { Worker } from 'node:worker_threads';

// Evaluated in the worker: no module path to resolve, whatever bundles this file (tsx, Next.js). getBuiltinModule
// works whether the worker runs it as a script or, under --input-type=module, as an ES module.
const HEARTBEAT_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const fs = process.getBuiltinModule('node:fs');
const { lockPath, dev, ino, intervalMs } = workerData;
const timer = setInterval(() => {
  let stat;
  try {
    stat = fs.statSync(lockPath, { bigint: true });
  } catch (error) {
    if (error.code === 'ENOENT') lost('the lock file was removed');
    return;
  }
  if (stat.dev !== dev || stat.ino !== ino) return lost('another process replaced the lock file');
  const now = new Date();
  try { fs.utimesSync(lockPath, now, now); } catch {}
}, intervalMs);
function lost(reason) {
  clearInterval(timer);
  parentPort.postMessage(reason);
}
`;

export interface Heartbeat {
  stop(): void;
}

export function startHeartbeat(
  lockPath: string,
  identity: { dev: bigint; ino: bigint },
  intervalMs: number,
  onLost: (reason: string) => void,
): Heartbeat {
  let stopped = false;
  const lost = (reason: string) => {
    if (stopped) return;
    stopped = true;
    onLost(reason);
  };
  // execArgv: [] so the worker does not load the parent's loaders (tsx) it has no use for.
  const worker = new Worker(HEARTBEAT_SOURCE, { eval: true, execArgv: [], workerData: { lockPath, ...identity, intervalMs } });
  worker.on('message', (reason: string) => lost(reason));
  // Without its heartbeat the lock turns stale and another process may take it: as bad as losing it.
  worker.on('error', (error) => lost(`its heartbeat stopped (${error.message})`));
  worker.unref();
  return {
    stop() {
      stopped = true;
      void worker.terminate();
    },
  };
}
