// Opens the process's one database handle: PGlite (embedded, the default) or PostgreSQL (`databaseUrl`).
// Migrations are separate (migrate.ts) so that read-only tools and tests on a cloned template can skip them.
import type { Database } from './database-types';
import { openPglite } from './open-pglite';
import { openPostgres } from './open-postgres';

export type { Database, SqlClient } from './database-types';

export interface OpenDatabaseOptions {
  /** `postgres://…` or `postgresql://…` selects PostgreSQL; empty or null selects PGlite. */
  databaseUrl?: string | null;
  /** PGlite (required without a databaseUrl, ignored with one): data folder, parents created, or 'memory://'. */
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
    // No silent in-memory default: a forgotten folder would lose every run at the next restart.
    if (!options.dataDir) {
      throw new Error("Embedded PGlite needs a dataDir (a folder, or 'memory://' for a throw-away database).");
    }
    return openPglite({ dataDir: options.dataDir, loadDataDir: options.loadDataDir });
  }
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must start with postgres:// or postgresql:// (leave it empty for embedded PGlite).');
  }
  // dataDir is ignored here so callers can always pass $FLASHFLOW_HOME/db; a tarball meant for PGlite is a mistake.
  if (options.loadDataDir !== undefined) {
    throw new Error('loadDataDir applies to embedded PGlite only; it cannot be combined with a DATABASE_URL.');
  }
  return openPostgres({ databaseUrl, maxConnections: options.maxConnections });
}
