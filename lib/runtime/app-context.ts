// Hands the process's runtime to Next route handlers and pages. It lives on globalThis because Next
// bundles routes into module graphs of their own: a module-level variable would exist once per bundle.
import type { Runtime } from './start-runtime';

const KEY = Symbol.for('flashflow.runtime');

export function setRuntime(runtime: Runtime | null): void {
  (globalThis as Record<symbol, unknown>)[KEY] = runtime;
}

export function getRuntime(): Runtime {
  const runtime = (globalThis as Record<symbol, unknown>)[KEY] as Runtime | null | undefined;
  if (!runtime) throw new RuntimeUnavailableError();
  return runtime;
}

export class RuntimeUnavailableError extends Error {
  override name = 'RuntimeUnavailableError';
  constructor() {
    super('the Flashflow engine is not running in this process; start the app with `npm start` (flashflow standalone)');
  }
}
