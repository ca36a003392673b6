// One process per $FLASHFLOW_HOME: PGlite does not lock its data folder, and a second process writing to it loses
// committed rows. The lock is `$home/flashflow.pid`, created with O_EXCL and kept fresh by a heartbeat (ADR 0031):
// across containers or hosts a recorded pid proves nothing, a lock file nobody has touched for a while does.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../kernel/clock';
import { ensureHomeDir } from './home-dir';
import { formatLockHolder, pidNamespace, readLockHolder, type LockHolder } from './home-lock-file';
import { startHeartbeat, type Heartbeat } from './home-lock-heartbeat';
import { isProcessAlive } from '../kernel/process-alive';

export const HOME_LOCK_FILE = 'flashflow.pid';
/** How often the holder refreshes the lock file's mtime. */
export const HOME_LOCK_HEARTBEAT_MS = 5_000;
/** A lock file untouched for this long is abandoned: its holder died without removing it (SIGKILL, OOM, power). */
export const HOME_LOCK_STALE_MS = 30_000;
// A takeover marker older than this was left by a process that died mid-takeover (which takes milliseconds).
const STALE_TAKEOVER_MS = 10_000;

export interface HomeLockOptions {
  /** Judges staleness; the heartbeat itself always uses real time. */
  clock?: Pick<Clock, 'now'>;
  heartbeatMs?: number;
  staleMs?: number;
  /** Where pids are meaningful (pidNamespace()); tests pass another to play a second container. */
  namespace?: string | null;
  /** The lock was taken from under us. Default: say so on stderr and exit, before writing another row. */
  onLost?: (message: string) => void;
}

export interface HomeLock {
  readonly path: string;
  /** Stops the heartbeat and removes the lock file if it is still ours. Idempotent; also runs on a normal exit. */
  release(): void;
}

export class HomeLockedError extends Error {
  override name = 'HomeLockedError';
  constructor(
    readonly home: string,
    /** null while the holder has created the file but not yet written it. */
    readonly holder: LockHolder | null,
    detail: string,
  ) {
    const who = holder ? `pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}` : 'holder not yet written';
    super(`Flashflow is already running on ${home} (${who}; ${detail}); stop it or set FLASHFLOW_HOME to another folder`);
  }
}

// Held in this process, by lock path: our own pid in the file is then not a leftover of an earlier process.
const heldHere: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('flashflow.homeLocks')] ??=
  new Set<string>()) as Set<string>;

const exitOnLost = (message: string): never => {
  process.stderr.write(`flashflow: ${message}; stopping so that two processes never write one embedded database\n`);
  process.exit(1);
};

export function acquireHomeLock(home: string, options: HomeLockOptions = {}): HomeLock {
  const resolvedHome = path.resolve(home);
  const lockPath = path.join(resolvedHome, HOME_LOCK_FILE);
  const judge = {
    now: () => (options.clock ?? systemClock).now().getTime(),
    staleMs: options.staleMs ?? HOME_LOCK_STALE_MS,
    namespace: options.namespace === undefined ? pidNamespace() : options.namespace,
  };
  if (heldHere.has(lockPath)) throw new HomeLockedError(resolvedHome, readLockHolder(lockPath), 'held by this process');
  ensureHomeDir(resolvedHome);

  const ownFd =
    tryCreate(lockPath, judge.namespace) ??
    withTakeoverGuard(lockPath, judge.now, () => {
      // Judged under the guard: another starter may have taken over in the meantime.
      const judged = refuseUnlessAbandoned(resolvedHome, lockPath, judge);
      const taken = () => new HomeLockedError(resolvedHome, readLockHolder(lockPath), 'it was taken a moment ago');
      // Only the file judged abandoned is removed: a heartbeat since, or a new holder's file, is left alone.
      const moved = judged ? setAside(lockPath, judged) : 'gone';
      if (moved === 'changed') throw taken();
      const aside = moved === 'gone' ? null : moved.aside;
      try {
        // A starter that found no file at all does not take the guard, and may have come in between.
        const fd = tryCreate(lockPath, judge.namespace);
        if (fd === null) throw taken();
        return fd;
      } finally {
        // Removed after ours exists, so our file cannot reuse the old one's inode (the heartbeat compares inodes).
        if (aside) unlinkIfExists(aside);
      }
    });
  const onLost = options.onLost ?? exitOnLost;
  let heartbeat: Heartbeat;
  try {
    heartbeat = startHeartbeat(lockPath, identity(fstatSync(ownFd, { bigint: true })), options.heartbeatMs ?? HOME_LOCK_HEARTBEAT_MS, (reason) =>
      onLost(`lost the lock on ${resolvedHome}: ${reason}`),
    );
  } catch (error) {
    closeSync(ownFd);
    unlinkIfExists(lockPath);
    throw error;
  }
  heldHere.add(lockPath);
  const releaseOnExit = (): void => release();
  function release(): void {
    if (!heldHere.delete(lockPath)) return;
    process.removeListener('exit', releaseOnExit);
    heartbeat.stop();
    try {
      if (isSameFile(lockPath, ownFd)) unlinkIfExists(lockPath);
    } finally {
      // Closed last: while open, the file's inode cannot be reused by a successor's lock file.
      closeSync(ownFd);
    }
  }
  // Runs on process.exit() and a drained event loop, not on a fatal signal: that file turns stale and is taken over.
  process.on('exit', releaseOnExit);
  return { path: lockPath, release };
}

interface Judge {
  now: () => number;
  staleMs: number;
  namespace: string | null;
}

/** Throws unless the lock file is abandoned; returns what it was when judged so (null: there is none). */
function refuseUnlessAbandoned(home: string, lockPath: string, judge: Judge): FileVersion | null {
  const judged = fileVersion(lockPath);
  if (judged === null) return null;
  const holder = readLockHolder(lockPath);
  const ageMs = judge.now() - Number(judged.mtimeNs / 1_000_000n);
  if (holder?.host === null) {
    // A version before the heartbeat never refreshes its file: only its pid can tell, on this host.
    if (holder.pid !== process.pid && isProcessAlive(holder.pid)) {
      throw new HomeLockedError(home, holder, `a lock of an older Flashflow; if that process is gone, delete ${lockPath}`);
    }
    return judged;
  }
  if (ageMs > judge.staleMs) return judged;
  // Within one pid namespace a pid is meaningful, so a dead holder need not be waited for (a restart after a crash).
  const pidSpeaks = holder !== null && judge.namespace !== null && holder.namespace === judge.namespace;
  if (pidSpeaks && (holder.pid === process.pid || !isProcessAlive(holder.pid))) return judged;
  throw new HomeLockedError(
    home,
    holder,
    `last heartbeat ${Math.max(0, Math.round(ageMs / 1000))} s ago, taken over if none comes for ${Math.round(judge.staleMs / 1000)} s`,
  );
}

/** Creates the lock file and writes its holder; null if it exists. The descriptor stays open while the lock is held. */
function tryCreate(lockPath: string, namespace: string | null): number | null {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  }
  try {
    writeSync(fd, formatLockHolder(namespace));
  } catch (error) {
    closeSync(fd);
    unlinkIfExists(lockPath);
    throw error;
  }
  return fd;
}

/** Serializes stale-file takeovers: without it, two starters could each delete the file the other just created. */
function withTakeoverGuard<T>(lockPath: string, now: () => number, takeOver: () => T): T {
  const guardPath = `${lockPath}.takeover`;
  const busy = () => new HomeLockedError(path.dirname(lockPath), readLockHolder(lockPath), 'another process is taking it over');
  let fd: number | null = null;
  let staleMarker: string | null = null;
  try {
    // At most twice: once more after setting aside a marker left by a starter that died mid-takeover.
    for (let attempt = 0; fd === null; attempt += 1) {
      try {
        fd = openSync(guardPath, 'wx', 0o644);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const marker = fileVersion(guardPath);
        if (attempt > 0 || (marker !== null && now() - Number(marker.mtimeNs / 1_000_000n) < STALE_TAKEOVER_MS)) throw busy();
        // Two starters may both judge it stale: only the one that moves that very file away goes on, and the
        // other cannot remove the marker the first has created since.
        const moved = marker ? setAside(guardPath, marker) : 'gone';
        if (moved === 'changed') throw busy();
        if (moved !== 'gone') staleMarker = moved.aside;
      }
    }
  } finally {
    // Removed only once ours exists, so ours cannot reuse its inode and pass as the file another starter judged.
    if (staleMarker) unlinkIfExists(staleMarker);
  }
  closeSync(fd);
  try {
    return takeOver();
  } finally {
    unlinkIfExists(guardPath);
  }
}

const identity = (stat: BigIntStats) => ({ dev: stat.dev, ino: stat.ino });

/** One version of a file: its inode, and its mtime, which a heartbeat moves. */
interface FileVersion {
  dev: bigint;
  ino: bigint;
  mtimeNs: bigint;
}

function fileVersion(file: string): FileVersion | null {
  try {
    const stat = statSync(file, { bigint: true });
    return { ...identity(stat), mtimeNs: stat.mtimeNs };
  } catch {
    return null;
  }
}

/**
 * Moves `file` to a name of its own, for the caller to delete, if it is still the version judged. A rename is atomic,
 * so of two processes removing one file only one gets it; a file that replaced it since is put back ('changed').
 */
function setAside(file: string, judged: FileVersion): { aside: string } | 'gone' | 'changed' {
  const aside = `${file}.${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const moved = fileVersion(aside);
  if (moved && moved.dev === judged.dev && moved.ino === judged.ino && moved.mtimeNs === judged.mtimeNs) return { aside };
  try {
    linkSync(aside, file);
  } catch (error) {
    // EEXIST: yet another file was created meanwhile; a holder whose file this was notices at its next heartbeat.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  unlinkIfExists(aside);
  return 'changed';
}

function isSameFile(file: string, fd: number): boolean {
  try {
    const [onDisk, ours] = [identity(statSync(file, { bigint: true })), identity(fstatSync(fd, { bigint: true }))];
    return onDisk.dev === ours.dev && onDisk.ino === ours.ino;
  } catch {
    return false;
  }
}

function unlinkIfExists(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
