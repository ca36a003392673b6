import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // DAG files import the SDK as `flashflow`, as in a user's DAG folder (package `exports`).
  resolve: {
    alias: [
      { find: /^flashflow$/, replacement: fileURLToPath(new URL('./lib/sdk/index.ts', import.meta.url)) },
      // Pages and handlers import lib through tsconfig's `@/lib/*` (tests import some of them).
      { find: /^@\/lib\//, replacement: fileURLToPath(new URL('./lib/', import.meta.url)) },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Separate processes: each test file gets its own PGlite instances and WebAssembly memory.
    pool: 'forks',
    testTimeout: 30_000,
    // Building the template from scratch (first run after a migration change) takes a few seconds.
    hookTimeout: 60_000,
  },
});
