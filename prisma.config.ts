// Prisma CLI configuration (Prisma 7 reads this instead of package.json#prisma).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// The CLI downloads its native schema engine on start-up unless this points at a binary; offline that fails even for
// `generate`, which does not use it. Our migrations are hand-written (lib/store/migrate.ts), so a stub that explains
// this is all Prisma gets. An explicitly set value (a real engine) wins.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(
  new URL('./scripts/prisma-schema-engine-stub.js', import.meta.url),
);

// The CLI's update check forks a process that calls checkpoint.prisma.io on every command: pointless offline and
// for self-hosters. An explicit CHECKPOINT_DISABLE=0 wins.
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Only for ad-hoc tools (e.g. `prisma studio` with a real engine); the app passes its URL to openDatabase().
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
