// What the home lock file says about its holder. The first line stays the bare pid, which versions before the
// heartbeat (ADR 0031) read; the second names the host and the pid namespace, where that pid means something.
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';

export interface LockHolder {
  pid: number;
  /** null: written by a version before the heartbeat (a bare pid, never refreshed). */
  host: string | null;
  /** Boot id + pid namespace of the holder; null where /proc cannot tell (the pid then proves nothing). */
  namespace: string | null;
}

const holderLine = z.object({ host: z.string().min(1).max(255), namespace: z.string().min(1).max(200).nullable() });

export function formatLockHolder(namespace: string | null): string {
  return `${process.pid}\n${JSON.stringify({ host: hostname(), namespace })}\n`;
}

/** null when the file is gone, empty (its creator has not written it yet) or not ours to read. */
export function readLockHolder(lockPath: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch {
    return null;
  }
  const [pidLine = '', rest = ''] = text.split('\n', 2);
  const pid = Number(pidLine.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  if (rest.trim() === '') return { pid, host: null, namespace: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    return null;
  }
  const line = holderLine.safeParse(parsed);
  return line.success ? { pid, ...line.data } : null;
}

/**
 * Identifies the set of processes in which a pid is meaningful: this kernel boot and this pid namespace. Two
 * containers on one host, or two hosts on a shared volume, never share it, so their pids are not compared.
 */
export function pidNamespace(): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return null;
  }
}
