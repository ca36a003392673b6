// Vitest globalSetup: builds (or finds cached) the migrated template once per run and hands its path to the workers;
// under `npm test` also starts the PostgreSQL and Redis servers the whole run shares (shared-servers.ts).
import type { TestProject } from 'vitest/node';
import { ensureTemplateFile } from './db-template';
import { startSharedServers } from './shared-servers';

declare module 'vitest' {
  export interface ProvidedContext {
    flashflowDbTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Only the integration project's files use them (vitest.config.ts); the unit and API tests need none.
  const shared = process.env.FLASHFLOW_TEST_SHARED_SERVERS === '1' && project.name === 'integration' ? await startSharedServers() : null;
  project.provide('flashflowDbTemplate', await ensureTemplateFile());
  project.provide('flashflowSharedPostgres', shared?.postgres.url ?? '');
  project.provide('flashflowSharedRedisPort', shared?.redis.port ?? 0);
  return async () => {
    await Promise.all([shared?.postgres.stop(), shared?.redis.stop()]);
  };
}
