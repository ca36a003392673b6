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
    // Separate processes: each test file gets its own PGlite instances and WebAssembly memory.
    pool: 'forks',
    testTimeout: 30_000,
    // Building the template from scratch (first run after a migration change) takes a few seconds.
    hookTimeout: 60_000,
    projects: [
      {
        // Both cores at once, first: pure functions, and the REST API tests, which each start a standalone of their
        // own on a free port and a home of their own, and wait by polling, never by measuring time.
        extends: true,
        test: {
          name: 'unit-and-api',
          include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Then both cores on tests/db: in-process tests on a real embedded database, with no child processes, no
        // servers beyond in-process fakes and no wall-clock bounds, so two at a time cannot make one fail. Apart from
        // the REST API tests, whose servers would take the CPU they need.
        extends: true,
        test: {
          name: 'db',
          include: ['tests/db/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Real databases, servers, processes and browsers, some measuring time: one file at a time, as a user's
        // machine would run one Flashflow. They share the run's PostgreSQL and Redis (global-setup.ts).
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/unit/**', 'tests/db/**', 'tests/api/**'],
          globalSetup: ['tests/support/global-setup.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
