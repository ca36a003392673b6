/** Whether a process with this pid exists on this host (signal 0 probes without signalling). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, which still means it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
