// Takeovers of the home lock are serialized (ADR 0031) even when two starters race over a marker left by a starter
// that died mid-takeover, or over the lock file itself. The other starter's steps are played at the exact moment
// between this one's judgement and its removal of the file: through the clock it reads, or through node:fs.
import * as fs from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireHomeLock, HOME_LOCK_FILE, type HomeLock } from '../../lib/store/home-lock';

// Runs once, just before the first removal (rename or unlink) of the given path by the code under test.
const beforeRemoving = new Map<string, () => void>();
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const hook = (file: fs.PathLike) => {
    const run = beforeRemoving.get(String(file));
    beforeRemoving.delete(String(file));
    run?.();
  };
  const renameSync: typeof actual.renameSync = (from, to) => (hook(from), actual.renameSync(from, to));
  const unlinkSync: typeof actual.unlinkSync = (file) => (hook(file), actual.unlinkSync(file));
  return { ...actual, default: { ...actual, renameSync, unlinkSync }, renameSync, unlinkSync };
});

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'flashflow-home-lock-race-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

let home: string;
let lockFile: string;
let marker: string;
const held: HomeLock[] = [];
beforeEach(async () => {
  home = await mkdtemp(path.join(scratch, 'home-'));
  lockFile = path.join(home, HOME_LOCK_FILE);
  marker = `${lockFile}.takeover`;
  // An abandoned lock: another container's, untouched for a minute.
  await writeFile(lockFile, `1\n${JSON.stringify({ host: 'gone-box', namespace: 'another-boot/pid:[1]' })}\n`);
  const old = new Date(Date.now() - 60_000);
  await utimes(lockFile, old, old);
});
afterEach(() => {
  beforeRemoving.clear();
  for (const lock of held.splice(0)) lock.release();
});

const OTHER_STARTER = `2\n${JSON.stringify({ host: 'racing-box', namespace: 'third-boot/pid:[2]' })}\n`;
const take = (options: Parameters<typeof acquireHomeLock>[1] = {}): HomeLock => {
  const lock = acquireHomeLock(home, { onLost: () => {}, namespace: null, ...options });
  held.push(lock);
  return lock;
};

describe('home lock takeover races', () => {
  it('does not remove the marker another starter made after both judged the dead one stale', async () => {
    await writeFile(marker, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(marker, old, old);
    // The other starter removes the dead marker and makes its own between this one's judgement and its removal.
    beforeRemoving.set(marker, () => {
      fs.renameSync(marker, `${marker}.other`);
      fs.writeFileSync(marker, '');
      fs.unlinkSync(`${marker}.other`);
    });
    expect(() => take()).toThrow(/another process is taking it over/);
    expect(fs.existsSync(marker)).toBe(true);
    expect(await readFile(lockFile, 'utf8')).toMatch(/^1\n/);
  });

  it('does not remove a lock file created after it judged the old one abandoned', async () => {
    // The other starter replaces the abandoned lock while this one reads its clock.
    const clock = {
      now: () => {
        fs.renameSync(lockFile, `${lockFile}.other`);
        fs.writeFileSync(lockFile, OTHER_STARTER);
        fs.unlinkSync(`${lockFile}.other`);
        return new Date();
      },
    };
    expect(() => take({ clock })).toThrow(/pid 2 on racing-box; it was taken a moment ago/);
    expect(await readFile(lockFile, 'utf8')).toBe(OTHER_STARTER);
    expect(fs.readdirSync(home).sort()).toEqual([HOME_LOCK_FILE]);
  });

  it('still takes over an abandoned lock, past a marker left by a starter that died mid-takeover', async () => {
    await writeFile(marker, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(marker, old, old);
    take();
    expect((await readFile(lockFile, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    expect(fs.readdirSync(home).sort()).toEqual([HOME_LOCK_FILE]);
  });
});
