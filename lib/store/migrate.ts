// Flashflow's migrator (`flashflow db migrate`, and every process at start-up): applies the hand-written SQL in
// prisma/migrations/<name>/migration.sql in name order and records them in Prisma's `_prisma_migrations` table, so
// `prisma migrate status` with a real schema engine reads the same history.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './database-types';

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file, as Prisma stores it. */
  checksum: string;
}

export type MigrationErrorCode = 'checksum_mismatch' | 'failed' | 'unknown_applied' | 'previously_failed';

export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    readonly migration: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// The key Prisma's schema engine locks, so our migrator and a `prisma migrate deploy` also exclude each other.
const MIGRATION_LOCK_KEY = 72707369;

// Exactly the table Prisma creates, so either tool can pick up the other's history.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/** prisma/migrations of the Flashflow installation this module belongs to (found upward, so bundling is harmless). */
export function defaultMigrationsDir(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`No prisma/migrations folder above ${start}.`);
  }
}

export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  names.sort(); // Lexical, like Prisma: names start with a UTC timestamp.
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      const sql = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`Migration folder ${name} has no readable migration.sql (${error.code ?? error.message}).`);
      });
      return { name, sql, checksum: sha256(sql) };
    }),
  );
}

/**
 * Applies every migration not yet recorded, each in its own transaction, and returns the names applied (empty when
 * up to date). Concurrent callers (several schedulers starting at once) serialize on an advisory lock; each one
 * re-reads the history under the lock, so every migration runs exactly once.
 */
export async function migrate(sql: SqlClient, options: { migrationsDir?: string } = {}): Promise<string[]> {
  const migrations = await readMigrations(options.migrationsDir ?? defaultMigrationsDir());
  const applied: string[] = [];
  for (;;) {
    // A transaction-scoped lock rather than a session lock: on a pool, a session lock and its unlock could land on
    // different connections.
    const next = await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(CREATE_MIGRATIONS_TABLE);
      const pending = findPending(migrations, await readHistory(tx));
      if (pending === undefined) return undefined;
      await applyOne(tx, pending);
      return pending.name;
    });
    if (next === undefined) return applied;
    applied.push(next);
  }
}

async function readHistory(tx: SqlClient): Promise<AppliedRow[]> {
  return tx.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
      WHERE rolled_back_at IS NULL ORDER BY started_at, migration_name`,
  );
}

/** Checks the whole history before anything runs: a drifted or unknown migration stops everything. */
function findPending(migrations: MigrationFile[], history: AppliedRow[]): MigrationFile | undefined {
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  const done = new Set<string>();
  for (const row of history) {
    const local = byName.get(row.migration_name);
    if (!local) {
      throw new MigrationError(
        'unknown_applied',
        row.migration_name,
        `The database has migration ${row.migration_name}, which this Flashflow version does not have: ` +
          'it was migrated by a newer version. Run that version, or restore a backup.',
      );
    }
    if (row.finished_at === null) {
      throw new MigrationError(
        'previously_failed',
        row.migration_name,
        `Migration ${row.migration_name} is recorded as started but never finished (a failed \`prisma migrate\`?). ` +
          'Repair the schema by hand, then mark it with `prisma migrate resolve`.',
      );
    }
    if (!checksumMatches(row.checksum, local.sql)) {
      throw new MigrationError(
        'checksum_mismatch',
        row.migration_name,
        `Migration ${row.migration_name} was changed after it was applied (checksum ${row.checksum} in the ` +
          `database, ${local.checksum} on disk). Applied migrations must never be edited: restore the file and ` +
          'put the change in a new migration. Nothing was applied.',
      );
    }
    done.add(row.migration_name);
  }
  return migrations.find((migration) => !done.has(migration.name));
}

async function applyOne(tx: SqlClient, migration: MigrationFile): Promise<void> {
  const startedAt = new Date();
  try {
    await tx.exec(migration.sql);
  } catch (error) {
    throw new MigrationError(
      'failed',
      migration.name,
      `Migration ${migration.name} failed and was rolled back, nothing of it was applied: ` +
        describeSqlError(error, migration.sql),
      { cause: error },
    );
  }
  await tx.query(
    `INSERT INTO "_prisma_migrations"
       (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
     VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
    [randomUUID(), migration.checksum, migration.name, startedAt],
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// A checkout with core.autocrlf turns LF into CRLF without changing the SQL; Prisma tolerates that too.
function checksumMatches(recorded: string, sql: string): boolean {
  return recorded === sha256(sql) || recorded === sha256(sql.replace(/\r\n/g, '\n'));
}

function describeSqlError(error: unknown, sql: string): string {
  if (!(error instanceof Error)) return String(error);
  const { code, position } = error as Error & { code?: string; position?: string };
  // PostgreSQL reports a 1-based character offset into the whole script; a line number is what one can look up.
  const line = position ? sql.slice(0, Number(position) - 1).split('\n').length : undefined;
  const details = [code && `SQLSTATE ${code}`, line && `line ${line} of migration.sql`].filter(Boolean).join(', ');
  return details ? `${error.message} (${details})` : error.message;
}
