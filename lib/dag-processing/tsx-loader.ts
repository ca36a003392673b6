// Absolute path of tsx's ESM loader, for child processes that must import TypeScript natively.
import { createRequire } from 'node:module';

let cached: string | null = null;

export function tsxLoaderPath(): string {
  cached ??= createRequire(import.meta.url).resolve('tsx');
  return cached;
}
