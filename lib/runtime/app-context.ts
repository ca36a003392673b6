// Hands the process's runtime to Next route handlers and pages. It lives on globalThis because Next
// bundles routes into module graphs of their own: a module-level variable would exist once per bundle.
import type { AppRuntime } from './app-runtime';

const KEY = Symbol.for('flashflow.runtime');

export function setRuntime(runtime: AppRuntime | null): void {
  (globalThis as Record<symbol, unknown>)[KEY] = runtime;
}

export function getRuntime(): AppRuntime {
  const runtime = (globalThis as Record<symbol, unknown>)[KEY] as AppRuntime | null | undefined;
  if (!runtime) throw new RuntimeUnavailableError();
  return runtime;
}

export class RuntimeUnavailableError extends Error {
  override name = 'RuntimeUnavailableError';
  constructor() {
    super('the Flashflow engine is not running in this process; start the app with `npm start` (flashflow standalone) or `flashflow webserver`');
  }
}
