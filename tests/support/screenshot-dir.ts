// Where browser tests save screenshots: docs/screenshots/ when FLASHFLOW_UPDATE_SCREENSHOTS=1 (to refresh
// the README's pictures), else a temporary folder, so an ordinary test run leaves the work tree clean.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './cli-harness';

export function screenshotDir(): string {
  const dir = process.env.FLASHFLOW_UPDATE_SCREENSHOTS === '1'
    ? path.join(REPO_ROOT, 'docs', 'screenshots')
    : path.join(os.tmpdir(), 'flashflow-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
