// Opens the process's one database handle: PGlite (embedded, the default) or PostgreSQL (`databaseUrl`).
// Migrations are separate (migrate.ts) so that read-only tools and tests on a cloned template can skip them.
import type { Database } from './database-types';
import { openPglite } from './open-pglite';
import { openPostgres } from './open-postgres';

export type { Database, DatabaseKind, SqlClient } from './database-types';

export interface OpenDatabaseOptions {
  /** `postgres://…` or `postgresql://…` selects PostgreSQL; empty or null selects PGlite. */
  databaseUrl?: string | null;
  /** PGlite only: data folder (parents are created) or 'memory://' (the default). */
  dataDir?: string;
  /** PGlite only: start from a `dumpDataDir()` tarball (test clones). */
  loadDataDir?: Blob | File;
  /** PostgreSQL only: pool size, default 10. */
  maxConnections?: number;
  /** Released after the database is closed, e.g. the home lock taken before opening PGlite (home-lock.ts). */
  lock?: { release(): void };
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const database = await openByKind(options);
  const { lock } = options;
  if (!lock) return database;
  return {
    ...database,
    async close() {
      try {
        await database.close();
      } finally {
        lock.release();
      }
    },
  };
}

function openByKind(options: OpenDatabaseOptions): Promise<Database> {
  const { databaseUrl } = options;
  if (!databaseUrl) {
    return openPglite({
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
    });
  }
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql:// (leave it empty for embedded PGlite).');
  }
  if (options.dataDir !== undefined || options.loadDataDir !== undefined) {
    throw new Error('dataDir and loadDataDir apply to embedded PGlite only; they cannot be combined with a DATABASE_URL.');
  }
  return openPostgres({
    databaseUrl,
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
  });
}
