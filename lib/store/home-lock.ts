// One process per $FLASHFLOW_HOME: PGlite does not lock its data folder, and a second process writing to it loses
// committed rows. The lock is `$home/flashflow.pid`, created with O_EXCL; a file left by a dead process is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

export const HOME_LOCK_FILE = 'flashflow.pid';

export interface HomeLock {
  readonly path: string;
  /** Removes the pid file if it is still ours. Idempotent; also runs when the process exits normally. */
  release(): void;
}

export class HomeLockedError extends Error {
  override name = 'HomeLockedError';
  constructor(
    readonly home: string,
    /** null while the holder has created the file but not yet written its pid. */
    readonly pid: number | null,
  ) {
    super(
      `Flashflow is already running on ${home} (pid ${pid ?? 'not yet written'}); ` +
        'stop it or set FLASHFLOW_HOME to another folder',
    );
  }
}

// Held in this process, by resolved lock path. A pid file holding our own pid is otherwise ambiguous: containers
// restart with the same low pid, so "that pid is alive" does not mean "someone else holds it".
const heldHere: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('flashflow.homeLocks')] ??=
  new Set<string>()) as Set<string>;

// A takeover marker older than this was left by a process that died mid-takeover.
const STALE_TAKEOVER_MS = 10_000;
// An empty pid file younger than this belongs to a starter between its O_EXCL create and its write.
const PID_WRITE_GRACE_MS = 2_000;

export function acquireHomeLock(home: string): HomeLock {
  const resolvedHome = path.resolve(home);
  const lockPath = path.join(resolvedHome, HOME_LOCK_FILE);
  if (heldHere.has(lockPath)) throw new HomeLockedError(resolvedHome, process.pid);
  mkdirSync(resolvedHome, { recursive: true });

  if (!tryCreate(lockPath)) {
    withTakeoverGuard(lockPath, () => {
      // Re-read under the guard: another starter may have taken over in the meantime.
      const holder = readPid(lockPath);
      const beingWritten = holder === null && Date.now() - mtimeMs(lockPath) < PID_WRITE_GRACE_MS;
      if (beingWritten || (holder !== null && holder !== process.pid && isAlive(holder))) {
        throw new HomeLockedError(resolvedHome, holder);
      }
      unlinkIfExists(lockPath);
      if (!tryCreate(lockPath)) throw new HomeLockedError(resolvedHome, readPid(lockPath));
    });
  }
  heldHere.add(lockPath);

  const releaseOnExit = (): void => release();
  function release(): void {
    if (!heldHere.delete(lockPath)) return;
    process.removeListener('exit', releaseOnExit);
    if (readPid(lockPath) === process.pid) unlinkIfExists(lockPath);
  }
  // Runs on process.exit() and a drained event loop, not on a fatal signal: that file is stale and taken over later.
  process.on('exit', releaseOnExit);
  return { path: lockPath, release };
}

function tryCreate(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Serializes stale-file takeovers: without it, two starters could each delete the file the other just created. */
function withTakeoverGuard(lockPath: string, takeOver: () => void): void {
  const guardPath = `${lockPath}.takeover`;
  let fd: number;
  try {
    fd = openSync(guardPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - mtimeMs(guardPath) < STALE_TAKEOVER_MS) {
      throw new HomeLockedError(path.dirname(lockPath), readPid(lockPath));
    }
    unlinkIfExists(guardPath);
    return withTakeoverGuard(lockPath, takeOver);
  }
  closeSync(fd);
  try {
    takeOver();
  } finally {
    unlinkIfExists(guardPath);
  }
}

function readPid(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, which still means the home is in use.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkIfExists(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
