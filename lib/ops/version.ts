// The running version, from package.json, and the git commit when the app runs from a checkout.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let cached: { version: string; git_version: string | null } | null = null;

export function versionInfo(rootDir: string = process.cwd()): { version: string; git_version: string | null } {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(`${rootDir}/package.json`, 'utf8')) as { version: string };
  let git: string | null;
  try {
    git = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: rootDir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    git = null;
  }
  cached = { version: pkg.version, git_version: git };
  return cached;
}
