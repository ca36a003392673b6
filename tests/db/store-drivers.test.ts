// The same store code on both drivers: embedded PGlite, and node-postgres + @prisma/adapter-pg. The PostgreSQL side
// talks the real wire protocol to a PGlite served on 127.0.0.1 (tests/support/pglite-tcp-bridge.ts) whose server
// TimeZone is deliberately not UTC.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../lib/store/database';
import { defaultMigrationsDir, migrate } from '../../lib/store/migrate';
import { SqlClientMisuseError } from '../../lib/store/sql-client';
import { startPgliteTcpBridge, type PgliteTcpBridge } from '../support/pglite-tcp-bridge';
import { createTestDb, testDbTemplate } from '../support/test-db';

let lite: Database;
let bridge: PgliteTcpBridge;
let postgres: Database;

beforeAll(async () => {
  const template = await testDbTemplate();
  [lite, bridge] = await Promise.all([
    createTestDb(),
    startPgliteTcpBridge({ loadDataDir: template, serverSettings: { TimeZone: 'Europe/Paris' } }),
  ]);
  // One connection: the bridged PGlite is a single session.
  postgres = await openDatabase({ databaseUrl: bridge.url, maxConnections: 1 });
});
afterAll(async () => {
  await postgres?.close();
  await bridge?.close();
  await lite?.close();
});

const both = (): [string, Database][] => [
  ['pglite', lite],
  ['postgres', postgres],
];

const TYPE_PROBE = `
  SELECT 1::int2 AS int2, 2::int4 AS int4, 3::int8 AS int8, 9007199254740993::int8 AS int8_huge,
         1.5::float4 AS float4, 2.25::float8 AS float8, 12.30::numeric AS numeric, true AS bool, 'é'::text AS text,
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS uuid, '{"a": [1, null]}'::jsonb AS jsonb, '"s"'::json AS json,
         'null'::jsonb AS jsonb_null, '2026-01-02T03:04:05.678+02:00'::timestamptz AS timestamptz,
         '2026-01-02'::date AS date, '1 day 02:00:00'::interval AS interval,
         ARRAY[1, 2]::int4[] AS int4_array, ARRAY[3, NULL]::int8[] AS int8_array, ARRAY['x', 'y'] AS text_array,
         ARRAY['2026-01-02'::date] AS date_array, ARRAY[1.5]::numeric[] AS numeric_array,
         ARRAY['{"k": 1}'::jsonb] AS jsonb_array, ARRAY['2026-01-02T00:00:00Z'::timestamptz] AS timestamptz_array,
         (SELECT count(*) FROM pool WHERE pool = 'default_pool') AS count, avg(x)::float8 AS avg_float, sum(x) AS sum_int, NULL::int4 AS null_int4
    FROM (VALUES (1), (2)) AS t(x)`;

describe('raw SqlClient on PGlite and on PostgreSQL', () => {
  it('returns the same JS values for the same SQL types', async () => {
    const [fromLite] = await lite.sql.query(TYPE_PROBE);
    const [fromPostgres] = await postgres.sql.query(TYPE_PROBE);
    expect(fromLite).toEqual({
      int2: 1,
      int4: 2,
      int8: 3,
      int8_huge: 9007199254740993n,
      float4: 1.5,
      float8: 2.25,
      numeric: '12.30',
      bool: true,
      text: 'é',
      uuid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      jsonb: { a: [1, null] },
      json: 's',
      jsonb_null: null,
      timestamptz: new Date('2026-01-02T01:04:05.678Z'),
      date: '2026-01-02',
      interval: '1 day 02:00:00',
      int4_array: [1, 2],
      int8_array: [3, null],
      text_array: ['x', 'y'],
      date_array: ['2026-01-02'],
      numeric_array: ['1.5'],
      jsonb_array: [{ k: 1 }],
      timestamptz_array: [new Date('2026-01-02T00:00:00Z')],
      count: 1,
      avg_float: 1.5,
      sum_int: 3,
      null_int4: null,
    });
    expect(fromPostgres).toStrictEqual(fromLite);
  });

  it('reads rows of the schema with the same values and types', async () => {
    const seed = `
      INSERT INTO dag (dag_id, fileloc, serialized, version_hash, tags, next_dagrun, created_at, updated_at)
        VALUES ('etl', 'workflows/etl.ts', '{"tasks": ["a"]}', 'v1', '["ml"]', '2026-11-26T00:00:00Z',
                '2026-11-25T00:00:00Z', '2026-11-25T00:00:00Z');
      INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end,
                           created_at)
        VALUES ('etl', 'r1', 'manual', 'running', '2026-11-25T00:00:00Z', '2026-11-24T00:00:00Z',
                '2026-11-25T00:00:00Z', '2026-11-25T00:00:01Z');
      INSERT INTO task_instance (id, dag_id, run_id, task_id, state, duration, start_date, updated_at)
        VALUES ('6f1c2d4e-0000-4000-8000-000000000001', 'etl', 'r1', 'a', 'success', 1.25,
                '2026-11-25T00:00:02.5Z', '2026-11-25T00:00:03Z');
      INSERT INTO task_log (ti_id, try_number, stream, line, at)
        VALUES ('6f1c2d4e-0000-4000-8000-000000000001', 1, 'stdout', 'ok', '2026-11-25T00:00:03Z');
      INSERT INTO xcom (dag_id, run_id, task_id, value, timestamp)
        VALUES ('etl', 'r1', 'a', '[1, {"b": null}]', '2026-11-25T00:00:03Z');`;
    for (const [, db] of both()) await db.sql.exec(seed);
    for (const table of ['dag', 'dag_run', 'task_instance', 'task_log', 'xcom']) {
      const fromPostgres = await postgres.sql.query(`SELECT * FROM ${table}`);
      expect(fromPostgres, table).toStrictEqual(await lite.sql.query(`SELECT * FROM ${table}`));
    }
    expect((await postgres.sql.query('SELECT duration, start_date FROM task_instance'))[0]).toEqual({
      duration: 1.25,
      start_date: new Date('2026-11-25T00:00:02.500Z'),
    });
  });

  it('binds parameters the same way', async () => {
    const sql = `SELECT $1::timestamptz AS at, $2::int8 AS big, $3::int4 AS n, $4::bool AS flag, $5::text AS nothing,
                        $6::text[] AS list, $7::jsonb AS doc, 'x' = ANY($6::text[]) AS has_x`;
    const params = [new Date('2026-03-04T05:06:07.089Z'), 2n ** 60n, 42, false, null, ['x', 'y'], JSON.stringify([1, { a: 'b' }])];
    const expected = {
      at: new Date('2026-03-04T05:06:07.089Z'),
      big: 2n ** 60n,
      n: 42,
      flag: false,
      nothing: null,
      list: ['x', 'y'],
      doc: [1, { a: 'b' }],
      has_x: true,
    };
    for (const [name, db] of both()) expect(await db.sql.query(sql, params), name).toEqual([expected]);
  });
});

describe('Prisma through @prisma/adapter-pg', () => {
  it('stores and reads the right instants although the server TimeZone is Europe/Paris', async () => {
    const nextDagrun = new Date('2026-06-01T12:00:00.000Z');
    const before = Date.now();
    const dag = await postgres.prisma.dag.create({
      data: { dagId: 'tz', fileloc: 'tz.ts', serialized: {}, versionHash: 'v', nextDagrun },
    });
    expect(dag.nextDagrun).toEqual(nextDagrun);
    // created_at comes from the database's CURRENT_TIMESTAMP, so an offset mix-up would show here.
    expect(Math.abs(dag.createdAt.getTime() - before)).toBeLessThan(5_000);
    const [raw] = await postgres.sql.query<{ next_dagrun: Date; zone: string }>(
      "SELECT next_dagrun, current_setting('TimeZone') AS zone FROM dag WHERE dag_id = 'tz'",
    );
    expect(raw).toEqual({ next_dagrun: nextDagrun, zone: 'UTC' });
  });

  it('shares the pool with the raw client and rolls interactive transactions back', async () => {
    await expect(
      postgres.prisma.$transaction(async (tx) => {
        await tx.variable.create({ data: { key: 'prisma_tx', val: '1' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await postgres.sql.query(`SELECT key FROM variable WHERE key = 'prisma_tx'`)).toEqual([]);
  });
});

describe('SqlClient transactions on PostgreSQL', () => {
  it('commits, rolls back on throw, and nests as savepoints', async () => {
    await postgres.sql.transaction((tx) => tx.query(`INSERT INTO variable (key, val) VALUES ('pg_commit', '1')`));
    await expect(
      postgres.sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO variable (key, val) VALUES ('pg_rollback', '1')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await postgres.sql.transaction(async (tx) => {
      await tx.transaction(async (inner) => {
        await inner.query(`INSERT INTO variable (key, val) VALUES ('pg_inner', '1')`);
        throw new Error('inner');
      }).catch(() => {});
      await tx.query(`INSERT INTO variable (key, val) VALUES ('pg_outer', '1')`);
    });
    const keys = await postgres.sql.query<{ key: string }>(`SELECT key FROM variable WHERE key LIKE 'pg_%' ORDER BY key`);
    expect(keys.map((row) => row.key)).toEqual(['pg_commit', 'pg_outer']);
  });

  it('refuses to report success for a transaction PostgreSQL rolled back', async () => {
    await expect(
      postgres.sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO variable (key, val) VALUES ('pg_swallowed', '1')`);
        await tx.query('SELECT * FROM no_such_table').catch(() => {});
      }),
    ).rejects.toThrow(/rolled back: a statement inside it failed/);
    expect(await postgres.sql.query(`SELECT key FROM variable WHERE key = 'pg_swallowed'`)).toEqual([]);
  });

  it('throws instead of waiting forever for a connection when the root client is used inside a transaction', async () => {
    await expect(postgres.sql.transaction(() => postgres.sql.query('SELECT 1'))).rejects.toThrow(SqlClientMisuseError);
    expect(await postgres.sql.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });
});

describe('migrate() on PostgreSQL', () => {
  it('applies new migrations and rolls a failing one back', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flashflow-pg-migrations-'));
    try {
      await cp(defaultMigrationsDir(), dir, { recursive: true });
      const add = async (name: string, sql: string): Promise<void> => {
        await mkdir(path.join(dir, name));
        await writeFile(path.join(dir, name, 'migration.sql'), sql);
      };
      await add('20261201000000_ok', 'CREATE TABLE pg_ok (id int);');
      await add('20261202000000_bad', 'CREATE TABLE pg_half (id int); SELECT 1/0;');
      await expect(migrate(postgres.sql, { migrationsDir: dir })).rejects.toThrow(
        /^Migration 20261202000000_bad failed and was rolled back, nothing of it was applied: division by zero \(SQLSTATE 22012/,
      );
      expect(await postgres.sql.query(`SELECT to_regclass('pg_ok')::text AS ok, to_regclass('pg_half')::text AS half`)).toEqual([
        { ok: 'pg_ok', half: null },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('openDatabase', () => {
  it('names the server it could not reach, without the password', async () => {
    const error = await openDatabase({ databaseUrl: 'postgres://flash:s3cret@127.0.0.1:1/flashflow' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/flashflow: /);
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('wants an explicit PGlite folder rather than defaulting to a database that vanishes on exit', async () => {
    await expect(openDatabase({})).rejects.toThrow(/needs a dataDir .*'memory:\/\/'/);
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, and a PGlite tarball combined with one', async () => {
    await expect(openDatabase({ databaseUrl: 'mysql://localhost/db' })).rejects.toThrow(/must start with postgres:\/\//);
    await expect(openDatabase({ databaseUrl: bridge.url, loadDataDir: new Blob([]) })).rejects.toThrow(
      /embedded PGlite only/,
    );
  });
});
