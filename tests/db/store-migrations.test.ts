import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../lib/store/database';
import { defaultMigrationsDir, migrate, MigrationError, readMigrations } from '../../lib/store/migrate';
import { openPglite } from '../../lib/store/open-pglite';
import { loadPrismaDatamodel, type DmmfDatamodel } from '../support/prisma-datamodel';
import { diffSchemaAgainstPrisma } from '../support/schema-diff';
import { createTestDb } from '../support/test-db';

const INIT = '20261125000000_init';
const realMigrations = defaultMigrationsDir();
// Every migration shipped in prisma/migrations, in name order (INIT first).
const REAL = (await readMigrations(realMigrations)).map((migration) => migration.name);

const tableExists = async (db: Database, table: string): Promise<boolean> =>
  (await db.sql.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]))[0]?.found != null;

const recordedNames = async (db: Database): Promise<string[]> =>
  (await db.sql.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations ORDER BY 1')).map(
    (row) => row.migration_name,
  );

describe('migrations on an empty database', () => {
  let fresh: Database;
  let datamodel: DmmfDatamodel;

  beforeAll(async () => {
    // A new cluster rather than the template clone: this is the path a first `npm start` takes.
    [fresh, datamodel] = await Promise.all([openPglite({ dataDir: 'memory://' }), loadPrismaDatamodel()]);
  });
  afterAll(() => fresh?.close());

  it('applies every migration once and records it the way Prisma does', async () => {
    expect(await migrate(fresh.sql)).toEqual(REAL);

    const [row] = await fresh.sql.query<Record<string, unknown>>(
      'SELECT * FROM _prisma_migrations WHERE migration_name = $1',
      [INIT],
    );
    const file = await readFile(path.join(realMigrations, INIT, 'migration.sql'));
    expect(row).toMatchObject({
      migration_name: INIT,
      checksum: createHash('sha256').update(file).digest('hex'),
      applied_steps_count: 1,
      logs: null,
      rolled_back_at: null,
    });
    expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.finished_at).toBeInstanceOf(Date);
    expect((row?.finished_at as Date).getTime()).toBeGreaterThanOrEqual((row?.started_at as Date).getTime());
    expect(await fresh.sql.query('SELECT pool, slots, description FROM pool ORDER BY pool')).toEqual([
      { pool: 'default_pool', slots: 128, description: 'Default pool' },
      { pool: 'llm', slots: 4, description: 'LLM calls of the flashcard workflow' }, // 20261125130000_llm_pool
    ]);
  });

  it('is idempotent: a second run applies nothing', async () => {
    expect(await migrate(fresh.sql)).toEqual([]);
    expect(await recordedNames(fresh)).toEqual(REAL);
  });

  it("creates the _prisma_migrations table with Prisma's own column types", async () => {
    const columns = await fresh.sql.query(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', length: null, is_nullable: 'NO', column_default: '0' },
    ]);
  });

  it('produces exactly the schema that schema.prisma describes', async () => {
    expect(await diffSchemaAgainstPrisma(fresh.sql, datamodel)).toEqual([]);
  });

  it('reports a database that drifted from schema.prisma, column by column', async () => {
    const db = await createTestDb();
    try {
      await db.sql.exec(`
        ALTER TABLE dag ALTER COLUMN fileloc DROP NOT NULL;
        ALTER TABLE dag_run ALTER COLUMN conf SET DEFAULT '[]';
        ALTER TABLE task_instance ALTER COLUMN duration TYPE real;
        ALTER TABLE job ADD COLUMN extra text;
        DROP INDEX dag_run_state_idx;
        ALTER TABLE xcom DROP CONSTRAINT xcom_dag_id_run_id_fkey;`);
      expect(await diffSchemaAgainstPrisma(db.sql, datamodel)).toEqual(
        expect.arrayContaining([
          'dag.fileloc: nullable, schema.prisma says required',
          'dag_run.conf: default [], schema.prisma says {}',
          'task_instance.duration: type float4, schema.prisma says float8',
          'column of job not in schema.prisma: extra',
          'index missing in the database: normal dag_run_state_idx ON dag_run(state)',
          expect.stringMatching(/^foreign key missing in the database: xcom_dag_id_run_id_fkey /),
        ]),
      );
    } finally {
      await db.close();
    }
  });
});

describe('migrations on an existing database', () => {
  let db: Database;
  let dir: string;

  /** A migrations folder holding the real migrations plus `extra` ({ name: sql }). */
  async function migrationsWith(extra: Record<string, string>): Promise<string> {
    await cp(realMigrations, dir, { recursive: true });
    for (const [name, sql] of Object.entries(extra)) {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, 'migration.sql'), sql);
    }
    return dir;
  }

  beforeEach(async () => {
    [db, dir] = await Promise.all([createTestDb(), mkdtemp(path.join(tmpdir(), 'flashflow-migrations-'))]);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies only the migrations added since the last run, in name order', async () => {
    const migrationsDir = await migrationsWith({
      '20991202000000_second': 'CREATE TABLE second_t (id int); INSERT INTO first_t VALUES (2);',
      '20991201000000_first': 'CREATE TABLE first_t (id int); INSERT INTO first_t VALUES (1);',
    });

    expect(await migrate(db.sql, { migrationsDir })).toEqual(['20991201000000_first', '20991202000000_second']);
    expect(await db.sql.query('SELECT id FROM first_t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await migrate(db.sql, { migrationsDir })).toEqual([]);
  });

  it('gives concurrent migrators each pending migration exactly once', async () => {
    const migrationsDir = await migrationsWith({
      '20991201000000_a': 'CREATE TABLE a_t (id int);',
      '20991202000000_b': 'CREATE TABLE b_t (id int);',
    });

    const results = await Promise.all([migrate(db.sql, { migrationsDir }), migrate(db.sql, { migrationsDir })]);
    expect(results.flat().sort()).toEqual(['20991201000000_a', '20991202000000_b']);
    expect(await recordedNames(db)).toEqual([...REAL, '20991201000000_a', '20991202000000_b']);
  });

  it('refuses an applied migration whose file changed, naming it, and applies nothing', async () => {
    const migrationsDir = await migrationsWith({ '20991201000000_pending': 'CREATE TABLE pending_t (id int);' });
    await writeFile(path.join(migrationsDir, INIT, 'migration.sql'), '-- edited\n', { flag: 'a' });

    const error = await migrate(db.sql, { migrationsDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'checksum_mismatch', migration: INIT });
    expect((error as Error).message).toMatch(
      new RegExp(`^Migration ${INIT} was changed after it was applied .*Nothing was applied\\.$`),
    );
    expect(await tableExists(db, 'pending_t')).toBe(false);
    expect(await recordedNames(db)).toEqual(REAL);
  });

  it('accepts an applied migration that differs only by CRLF line endings (git autocrlf)', async () => {
    const migrationsDir = await migrationsWith({});
    const file = path.join(migrationsDir, INIT, 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'));

    expect(await migrate(db.sql, { migrationsDir })).toEqual([]);
  });

  it('rolls a failing migration back completely and names it and the SQL error', async () => {
    const migrationsDir = await migrationsWith({
      '20991201000000_good': 'CREATE TABLE good_t (id int);',
      '20991202000000_bad': 'CREATE TABLE half_t (id int);\nINSERT INTO half_t VALUES (1);\nINSERT INTO no_such_table VALUES (1);',
      '20991203000000_after': 'CREATE TABLE after_t (id int);',
    });

    const error = await migrate(db.sql, { migrationsDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'failed', migration: '20991202000000_bad' });
    expect((error as Error).message).toBe(
      'Migration 20991202000000_bad failed and was rolled back, nothing of it was applied: ' +
        'relation "no_such_table" does not exist (SQLSTATE 42P01, line 3 of migration.sql)',
    );
    // Each migration is its own transaction: the one before stays, the failing one leaves nothing, none after runs.
    expect(await tableExists(db, 'good_t')).toBe(true);
    expect(await tableExists(db, 'half_t')).toBe(false);
    expect(await tableExists(db, 'after_t')).toBe(false);
    expect(await recordedNames(db)).toEqual([...REAL, '20991201000000_good']);
    // The database is still usable and the fixed migration applies on the next run.
    await writeFile(path.join(migrationsDir, '20991202000000_bad', 'migration.sql'), 'CREATE TABLE half_t (id int);');
    expect(await migrate(db.sql, { migrationsDir })).toEqual(['20991202000000_bad', '20991203000000_after']);
  });

  it('refuses a database migrated by a newer version', async () => {
    const migrationsDir = await migrationsWith({ '20991201000000_newer': 'CREATE TABLE newer_t (id int);' });
    expect(await migrate(db.sql, { migrationsDir })).toEqual(['20991201000000_newer']);
    await rm(path.join(migrationsDir, '20991201000000_newer'), { recursive: true });

    await expect(migrate(db.sql, { migrationsDir })).rejects.toMatchObject({
      code: 'unknown_applied',
      migration: '20991201000000_newer',
      message: expect.stringContaining('which this Flashflow version does not have'),
    });
  });
});
