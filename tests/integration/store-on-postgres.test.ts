// The store's migrator on a real PostgreSQL server (not the PGlite bridge): two processes starting at once, as several
// schedulers do in scale-out, must serialize on the advisory lock and apply each migration exactly once.
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../lib/store/database';
import { defaultMigrationsDir, migrate } from '../../lib/store/migrate';
import type { PostgresServer } from '../support/postgres-server';
import { postgresForFile } from '../support/shared-servers';

let server: PostgresServer;
const opened: Database[] = [];

beforeAll(async () => {
  server = await postgresForFile();
});
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
  await server?.stop();
});

describe('migrate() on real PostgreSQL', () => {
  it('applies every migration once when two handles migrate the same new database concurrently', async () => {
    const databaseUrl = await server.createDatabase();
    const [first, second] = await Promise.all([1, 2].map(() => openDatabase({ databaseUrl, maxConnections: 2 })));
    opened.push(first!, second!);
    // Counted from the folders rather than with readMigrations(), which is part of the code under test.
    const folders = (await readdir(defaultMigrationsDir(), { withFileTypes: true })).filter((entry) => entry.isDirectory());

    const [appliedByFirst, appliedBySecond] = await Promise.all([migrate(first!.sql), migrate(second!.sql)]);

    const applied = [...appliedByFirst, ...appliedBySecond].sort();
    expect(applied).toEqual(folders.map((folder) => folder.name).sort());
    const [counts] = await first!.sql.query<{ rows: number; names: number; unfinished: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT migration_name)::int AS names,
              count(*) FILTER (WHERE finished_at IS NULL OR rolled_back_at IS NOT NULL)::int AS unfinished
         FROM _prisma_migrations`,
    );
    expect(counts).toEqual({ rows: folders.length, names: folders.length, unfinished: 0 });
    // Up to date for either handle afterwards.
    expect(await migrate(second!.sql)).toEqual([]);
  });
});
