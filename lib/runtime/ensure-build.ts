// `npm start` builds the web app only when the sources are newer than the last build, so the first start
// takes a minute and every later one a second.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const SOURCES = ['app', 'lib', 'next.config.js', 'package.json', 'package-lock.json'];
const SKIP = new Set(['node_modules', 'generated', '.next']);

export function buildIsStale(root: string): boolean {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > builtAt);
}

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (!SKIP.has(entry)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export async function runNextBuild(root: string): Promise<void> {
  const nextBin = createRequire(path.join(root, 'package.json')).resolve('next/dist/bin/next');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed with exit code ${code}`))));
    child.once('error', reject);
  });
}
