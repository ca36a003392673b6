// An exclusive lock file for work that several processes may try at once (building one cached environment).
// It only saves duplicate work: what it guards must stay correct without it (atomic rename of a finished folder).
import { abortableSleep } from '../kernel/abortable-sleep';
import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isProcessAlive } from '../kernel/process-alive';

interface Holder {
  pid: number;
  host: string;
  token: string;
  at: string;
}

/** The holder touches the lock this often; a lock untouched for STALE_MS belongs to a holder that is gone. */
const REFRESH_MS = 10_000;
const STALE_MS = 60_000;
/** A lock file still empty after this long was left by a holder that died between creating and writing it. */
const EMPTY_STALE_MS = 5_000;
const POLL_MS = 100;

export interface LockOptions {
  signal: AbortSignal;
  /** Called once if the lock is held by someone else, with a description of the holder. */
  onWait?: (holder: string) => void;
}

/** Waits until `path` can be created exclusively; resolves with the function that releases it. */
export async function acquireDirLock(path: string, opts: LockOptions): Promise<() => Promise<void>> {
  const me: Holder = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex'), at: new Date().toISOString() };
  let announced = false;
  for (;;) {
    if (opts.signal.aborted) throw opts.signal.reason;
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return holdLock(path, me);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = await inspect(path);
    if (seen === null) continue; // released meanwhile
    if (seen.stale) {
      // Re-read just before removing, so a lock taken anew since we looked is not removed (a small window
      // remains; the guarded work tolerates it).
      const again = await readFile(path, 'utf8').catch(() => null);
      if (again === seen.text) await unlink(path).catch(() => {});
      continue;
    }
    if (!announced) {
      announced = true;
      opts.onWait?.(seen.holder ? `pid ${seen.holder.pid} on ${seen.holder.host}` : 'another process');
    }
    await abortableSleep(POLL_MS, opts.signal);
  }
}

function holdLock(path: string, me: Holder): () => Promise<void> {
  const refresh = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, REFRESH_MS);
  refresh.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(refresh);
    const text = await readFile(path, 'utf8').catch(() => null);
    // Only our own lock: if it was (wrongly) judged stale and taken over, it is not ours to remove.
    if (text !== null && parseHolder(text)?.token === me.token) await unlink(path).catch(() => {});
  };
}

async function inspect(path: string): Promise<{ text: string; holder: Holder | null; stale: boolean } | null> {
  const [text, info] = await Promise.all([readFile(path, 'utf8').catch(() => null), stat(path).catch(() => null)]);
  if (text === null || info === null) return null;
  const holder = parseHolder(text);
  const age = Date.now() - info.mtimeMs;
  if (!holder) return { text, holder, stale: age > EMPTY_STALE_MS };
  const deadHere = holder.host === hostname() && !isProcessAlive(holder.pid);
  return { text, holder, stale: deadHere || age > STALE_MS };
}

function parseHolder(text: string): Holder | null {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    return typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string' ? (value as Holder) : null;
  } catch {
    return null;
  }
}
