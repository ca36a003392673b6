#!/usr/bin/env node
// Stands in for Prisma's native schema engine (see prisma.config.ts): the engine is a download that many self-hosters
// (and our CI) cannot fetch, and Flashflow never needs it. `prisma generate/validate/format` run on WebAssembly and
// never start it; anything that would (migrate, db push/pull, studio) gets this explanation instead of a hang.
process.stderr.write(
  'Flashflow does not use Prisma\'s schema engine: migrations are hand-written SQL in prisma/migrations/ ' +
    'applied by `flashflow db migrate`.\n' +
    '`prisma generate`, `prisma validate` and `prisma format` work without it; `prisma migrate`, `db push`, ' +
    '`db pull` and `studio` do not.\n' +
    'To use the real engine anyway, set PRISMA_SCHEMA_ENGINE_BINARY to its path before running prisma.\n',
);
process.exit(1);
