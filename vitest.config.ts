import { defineConfig } from 'vitest/config';

export default defineConfig({
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
