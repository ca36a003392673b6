// Ends a child process (task runner, DAG parser) whose parent died, even while its event loop is blocked:
// task code or a DAG file in a busy loop never lets 'disconnect' fire, so the check runs on a thread of its own.
// It also kills the process groups of the child's shell tasks, which would otherwise outlive it.
import { Worker } from 'node:worker_threads';

const WATCHDOG = `
const { parentPort, workerData } = require('node:worker_threads');
const groups = new Set();
parentPort.on('message', (m) => (m.open ? groups.add(m.pgid) : groups.delete(m.pgid)));
setInterval(() => {
  if (process.ppid === workerData.parentPid) return;
  for (const pgid of groups) {
    try { process.kill(-pgid, 'SIGKILL'); } catch {}
  }
  process.kill(process.pid, 'SIGKILL');
}, workerData.intervalMs);
`;

export interface OrphanWatchdog {
  /** Process groups to kill too when the parent is gone (shell tasks run in groups of their own). */
  trackGroup(pgid: number, open: boolean): void;
}

export function startOrphanWatchdog(intervalMs = 250): OrphanWatchdog {
  // execArgv: [] so the thread does not load tsx again; a parent that dies re-parents us (ppid changes).
  const worker = new Worker(WATCHDOG, { eval: true, execArgv: [], workerData: { parentPid: process.ppid, intervalMs } });
  worker.unref();
  return { trackGroup: (pgid, open) => worker.postMessage({ pgid, open }) };
}
