// $FLASHFLOW_HOME holds the embedded database, secret.key and the control socket: a home this process creates is
// private to its user (0700). Its parents are made as any folder; an existing home keeps the mode its owner chose.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export function ensureHomeDir(home: string): void {
  mkdirSync(path.dirname(path.resolve(home)), { recursive: true });
  try {
    mkdirSync(home, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
