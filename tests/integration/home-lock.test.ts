// The home lock (ADR 0031): a heartbeat, not a pid, decides who holds $FLASHFLOW_HOME. A second container shares the
// volume but not the pid namespace; it is played here by holders that record another namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireHomeLock, HOME_LOCK_FILE, HOME_LOCK_STALE_MS, HomeLockedError, type HomeLock } from '../../lib/store/home-lock';
import { pidNamespace } from '../../lib/store/home-lock-file';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'flashflow-home-lock-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

let home: string;
let lockFile: string;
const held: HomeLock[] = [];
beforeEach(async () => {
  home = await mkdtemp(path.join(scratch, 'home-'));
  lockFile = path.join(home, HOME_LOCK_FILE);
});
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
});

const take = (options: Parameters<typeof acquireHomeLock>[1] = {}): HomeLock => {
  const lock = acquireHomeLock(home, { onLost: () => {}, ...options });
  held.push(lock);
  return lock;
};
const clockAt = (ms: number) => ({ now: () => new Date(ms) });
const mtime = (file: string): number => statSync(file).mtimeMs;
const OTHER_CONTAINER = 'another-boot/pid:[4026530000]';

/** A second Flashflow process holding `home`, as a separate pid namespace would record it when `namespace` is set. */
async function startHolder(namespace?: string): Promise<ChildProcess> {
  const options = JSON.stringify({ heartbeatMs: 40, ...(namespace === undefined ? {} : { namespace }) });
  const script = `import { acquireHomeLock } from ${JSON.stringify(path.resolve('lib/store/home-lock.ts'))};
    acquireHomeLock(${JSON.stringify(home)}, ${options}); console.log('held'); setInterval(() => {}, 60000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}
const killed = (child: ChildProcess) => new Promise((resolve) => (child.kill('SIGKILL'), child.once('exit', resolve)));

describe('home lock across processes and containers', () => {
  it('refuses a home another container holds, even when its recorded pid is alive here; takes it once SIGKILL stops the heartbeat', async () => {
    const holder = await startHolder(OTHER_CONTAINER);
    try {
      const [pidLine, holderLine] = (await readFile(lockFile, 'utf8')).split('\n');
      expect(pidLine).toBe(String(holder.pid));
      expect(JSON.parse(holderLine ?? '')).toEqual({ host: hostname(), namespace: OTHER_CONTAINER });
      expect(() => take()).toThrow(
        new RegExp(`^Flashflow is already running on ${home} \\(pid ${holder.pid} on ${hostname()}; last heartbeat \\d+ s ago, taken over if none comes for 30 s\\); stop it or set FLASHFLOW_HOME to another folder$`),
      );
      // The heartbeat moves the mtime while the holder lives.
      const first = mtime(lockFile);
      await vi.waitFor(() => expect(mtime(lockFile)).toBeGreaterThan(first), { timeout: 2_000, interval: 20 });
    } finally {
      await killed(holder);
    }
    const lastBeat = mtime(lockFile);
    // Its pid is dead, but that says nothing about another container: only the missing heartbeat does.
    expect(() => take()).toThrow(HomeLockedError);
    expect(() => take({ clock: clockAt(lastBeat + HOME_LOCK_STALE_MS - 1_000) })).toThrow(/last heartbeat 29 s ago/);
    const lock = take({ clock: clockAt(lastBeat + HOME_LOCK_STALE_MS + 1) });
    expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('refuses a fresh lock that records our own, live pid from another container', async () => {
    await writeFile(lockFile, `${process.pid}\n${JSON.stringify({ host: 'other-box', namespace: OTHER_CONTAINER })}\n`);
    expect(() => take()).toThrow(`(pid ${process.pid} on other-box; last heartbeat 0 s ago`);
    const old = new Date(Date.now() - HOME_LOCK_STALE_MS - 5_000);
    await utimes(lockFile, old, old);
    take();
  });

  it('takes over at once from a dead holder in its own pid namespace, where a dead pid means something', async () => {
    const namespace = pidNamespace();
    expect(namespace).not.toBeNull();
    // What a holder killed a moment ago on this host leaves behind: a fresh file naming a pid that no longer runs.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(lockFile, `${deadPid}\n${JSON.stringify({ host: hostname(), namespace })}\n`);
    take();
    expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
  });

  it('is released when the holding process exits normally', () => {
    const script = `import { acquireHomeLock } from ${JSON.stringify(path.resolve('lib/store/home-lock.ts'))};
      acquireHomeLock(${JSON.stringify(home)}); console.log('held');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stdout.trim()).toBe('held');
    expect(existsSync(lockFile)).toBe(false);
  });
});

describe('home lock in one process', () => {
  it('creates a missing home private to its user (0700)', () => {
    const fresh = path.join(home, 'nested', '.flashflow');
    acquireHomeLock(fresh, { onLost: () => {} }).release();
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
  });

  it('refuses a second holder in the same process', () => {
    take();
    expect(() => take({ clock: clockAt(Date.now() + 10 * HOME_LOCK_STALE_MS) })).toThrow(/held by this process/);
  });

  it('keeps beating while the main thread is blocked (PGlite runs queries on it)', async () => {
    take({ heartbeatMs: 20 });
    // The worker boots while the main thread yields, as it does while PGlite opens, long before any query runs.
    const created = mtime(lockFile);
    await vi.waitFor(() => expect(mtime(lockFile)).toBeGreaterThan(created), { timeout: 2_000, interval: 10 });
    const before = mtime(lockFile);
    const until = Date.now() + 300;
    while (Date.now() < until); // a long synchronous query
    expect(mtime(lockFile)).toBeGreaterThan(before);
  });

  it('says so when another process took the lock from under it', async () => {
    const onLost = vi.fn();
    take({ heartbeatMs: 20, onLost });
    await unlink(lockFile);
    await writeFile(lockFile, `1\n${JSON.stringify({ host: 'other-box', namespace: OTHER_CONTAINER })}\n`);
    await vi.waitFor(() => expect(onLost).toHaveBeenCalledWith(`lost the lock on ${home}: another process replaced the lock file`), {
      timeout: 2_000,
      interval: 10,
    });
    expect(onLost).toHaveBeenCalledTimes(1);
  });

  it('judges an empty lock file (its creator has not written it yet) by its age alone', async () => {
    await writeFile(lockFile, '');
    expect(() => take()).toThrow(/holder not yet written; last heartbeat 0 s ago/);
    take({ clock: clockAt(mtime(lockFile) + HOME_LOCK_STALE_MS + 1) });
  });

  it('honours the bare-pid lock of an older version while its pid lives on this host, and takes it over after', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await writeFile(lockFile, `${holder.pid}\n`);
      expect(() => take({ clock: clockAt(Date.now() + 10 * HOME_LOCK_STALE_MS) })).toThrow(
        `(pid ${holder.pid}; a lock of an older Flashflow; if that process is gone, delete ${lockFile})`,
      );
    } finally {
      await killed(holder);
    }
    take();
  });
});
