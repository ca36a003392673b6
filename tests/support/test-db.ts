// A fresh, migrated database per call, cloned in memory from the run's template (tests/support/db-template.ts).
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import type { Database } from '../../lib/store/database';
import { openPglite } from '../../lib/store/open-pglite';
import { ensureTemplateFile } from './db-template';

let template: Promise<Blob> | undefined;

/** The migrated template as a `loadDataDir` tarball, for tests that open a database themselves. */
export function testDbTemplate(): Promise<Blob> {
  template ??= (async () => {
    // Without the globalSetup (another config, a single file run by hand) build or reuse the cached one directly.
    const file = inject('flashflowDbTemplate') ?? (await ensureTemplateFile());
    return new Blob([await readFile(file)]);
  })();
  return template;
}

/** Close it in afterEach/afterAll: an open PGlite keeps the worker alive. */
export async function createTestDb(): Promise<Database> {
  return openPglite({ dataDir: 'memory://', loadDataDir: await testDbTemplate() });
}
