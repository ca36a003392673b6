// Which documented operations a test file never called with their success status. Each API test file checks the
// paths it owns, so an endpoint added without a test of its happy path fails the suite.
import type { OpenApiClient } from './openapi-client';

export function unexercisedOperations(api: OpenApiClient, owns: (path: string) => boolean): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(api.doc.paths)) {
    if (!owns(path)) continue;
    for (const [method, op] of Object.entries(item)) {
      const ok = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
      if (!api.seen.get(`${method} ${path}`)?.has(Number(ok))) missing.push(`${method.toUpperCase()} ${path} ${ok}`);
    }
  }
  return missing;
}

/** The task-instance outputs and datasets: tests/api/run-outputs.test.ts exercises them. */
export const isRunOutputPath = (path: string): boolean =>
  /^\/datasets(\/|$)/.test(path) || /\/(xcomEntries|artifacts|notifications|upstreamDatasetEvents)(\/|$)/.test(path);
