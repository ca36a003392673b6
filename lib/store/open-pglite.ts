// Embedded PostgreSQL (PGlite, WebAssembly) for the zero-config standalone mode and for tests.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Database } from './database-types';
import { PrismaClient } from './generated/prisma/client';
import { createSqlClient, type Row, type SqlDriver, type SqlSession } from './sql-client';
import { statementCache } from './pglite-statements';
import { pgliteParsers } from '../postgres/type-parsers';

export interface PgliteDatabase extends Database {
  kind: 'pglite';
  /** An uncompressed tarball of the whole cluster, loadable with `loadDataDir` (test templates, backups). */
  dumpDataDir(): Promise<Blob>;
}

export interface OpenPgliteOptions {
  /** A folder (created with its parents) or 'memory://'; default 'memory://'. */
  dataDir?: string;
  /** Start from a `dumpDataDir()` tarball instead of an empty cluster (test clones). */
  loadDataDir?: Blob | File;
}

/**
 * PostgreSQL's default (128 MB) is sized for a server with many sessions; one embedded session on a small
 * machine does well with less, and each MB here is resident memory of the Flashflow process.
 */
const PGLITE_SETTINGS = ['shared_buffers=32MB'];

const INITDB_SCRIPT = fileURLToPath(new URL('./pglite-initdb.mjs', import.meta.url));

// PGlite runs one query at a time and Prisma's interactive transactions queue behind the scheduler's on the same
// lock, so waiting 2 s (Prisma's default) for it would fail under ordinary load.
const PRISMA_TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

// PGlite does not lock its folder: two handles on one folder lose committed writes. Across processes the home lock
// (home-lock.ts) prevents that; within a process, this registry does. On globalThis because Next.js loads route
// bundles and instrumentation as separate module graphs.
const openFolders: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('flashflow.pglite.openFolders')] ??=
  new Set<string>()) as Set<string>;

export async function openPglite(options: OpenPgliteOptions = {}): Promise<PgliteDatabase> {
  const folder = isMemory(options.dataDir) ? null : path.resolve(options.dataDir as string);
  if (folder !== null) {
    if (openFolders.has(folder)) {
      throw new Error(`PGlite database ${folder} is already open in this process; share its Database handle instead.`);
    }
    // PGlite.create() makes the data folder itself but not its parents.
    mkdirSync(path.dirname(folder), { recursive: true });
    openFolders.add(folder);
  }
  let pglite: PGlite;
  try {
    if (folder !== null && !options.loadDataDir && !existsSync(path.join(folder, 'PG_VERSION'))) {
      await promisify(execFile)(process.execPath, [INITDB_SCRIPT, folder]);
    }
    pglite = await PGlite.create({
      postgresqlconf: PGLITE_SETTINGS,
      ...(folder === null ? {} : { dataDir: folder }),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      parsers: pgliteParsers,
    });
    // Both Prisma adapters read timestamptz text as if it were UTC; make sure it is.
    await pglite.exec("SET TIME ZONE 'UTC'");
  } catch (error) {
    if (folder !== null) openFolders.delete(folder);
    throw error;
  }

  const prisma = new PrismaClient({
    adapter: new PrismaPGlite(pglite),
    transactionOptions: PRISMA_TRANSACTION_OPTIONS,
  });
  let closing: Promise<void> | undefined;
  return {
    kind: 'pglite',
    sql: createSqlClient(pgliteDriver(pglite)),
    prisma,
    dumpDataDir: () => pglite.dumpDataDir('none'),
    close() {
      closing ??= (async () => {
        try {
          await prisma.$disconnect();
        } finally {
          await pglite.close();
          if (folder !== null) openFolders.delete(folder);
        }
      })();
      return closing;
    },
  };
}

function isMemory(dataDir: string | undefined): boolean {
  return dataDir === undefined || dataDir.startsWith('memory://');
}

function pgliteSession(db: PGlite | Transaction, run: (sql: string, params: unknown[]) => Promise<Row[]> | null): SqlSession {
  return {
    async query(sql: string, params: unknown[]): Promise<Row[]> {
      return (await run(sql, params)) ?? (await db.query<Row>(sql, params)).rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}

function pgliteDriver(pglite: PGlite): SqlDriver {
  const statements = statementCache(pglite);
  // The locks query() and a transaction's query() take: outside a transaction, wait for any open one.
  const root = (sql: string, params: unknown[]) =>
    statements.use(sql)
      ? pglite._checkReady().then(() => pglite._runExclusiveTransaction(() => pglite.runExclusive(() => statements.run(sql, params, { syncToFs: true }))))
      : null;
  const inTransaction = (sql: string, params: unknown[]) =>
    statements.use(sql) ? pglite.runExclusive(() => statements.run(sql, params, { syncToFs: false })) : null;
  return {
    ...pgliteSession(pglite, root),
    // PGlite's transaction() already does BEGIN / COMMIT / ROLLBACK and refuses a COMMIT after a swallowed error.
    begin: (fn) => pglite.transaction((tx) => fn(pgliteSession(tx, inTransaction))),
  };
}
