import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../lib/store/database';
import { acquireHomeLock } from '../../lib/store/home-lock';
import { migrate } from '../../lib/store/migrate';
import { SqlClientMisuseError } from '../../lib/store/sql-client';
import { createTestDb, testDbTemplate } from '../support/test-db';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'flashflow-store-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const seedRun = async (db: Database, dagId = 'etl', runId = 'manual__1'): Promise<void> => {
  await db.prisma.dag.create({ data: { dagId, fileloc: 'workflows/etl.ts', serialized: { tasks: [] }, versionHash: 'v1' } });
  const at = new Date('2026-11-25T10:00:00.000Z');
  await db.prisma.dagRun.create({
    data: { dagId, runId, runType: 'manual', state: 'queued', logicalDate: at, dataIntervalStart: at, dataIntervalEnd: at },
  });
};

describe('file-backed PGlite', () => {
  let dataDir: string;
  beforeAll(async () => {
    // Creating a cluster on disk costs seconds; the tests below share one and only reopen it.
    dataDir = path.join(scratch, 'home', 'nested', 'db');
    const db = await openDatabase({ dataDir });
    await migrate(db.sql);
    await db.close();
  });

  it('keeps committed rows across close and reopen (and creates missing parent folders)', async () => {
    const first = await openDatabase({ dataDir });
    await first.sql.query(`INSERT INTO variable (key, val) VALUES ('greeting', 'bonjour')`);
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      expect(await migrate(second.sql)).toEqual([]);
      expect(await second.prisma.variable.findUnique({ where: { key: 'greeting' } })).toMatchObject({ val: 'bonjour' });
    } finally {
      await second.close();
    }
  });

  it('refuses to open a folder that this process already has open', async () => {
    const db = await openDatabase({ dataDir });
    try {
      await expect(openDatabase({ dataDir: path.join(dataDir, '.') })).rejects.toThrow(
        /already open in this process; share its Database handle/,
      );
    } finally {
      await db.close();
    }
    // Closing frees the folder again.
    await (await openDatabase({ dataDir })).close();
  });
});

describe('home lock', () => {
  // The rest of the lock's behaviour is in home-lock.test.ts; this file already pays for a PGlite.
  it('is released when a database opened with it closes', async () => {
    const lock = acquireHomeLock(await mkdtemp(path.join(scratch, 'lock-')));
    const db = await openDatabase({ dataDir: 'memory://', loadDataDir: await testDbTemplate(), lock });
    expect(existsSync(lock.path)).toBe(true);
    await db.close();
    expect(existsSync(lock.path)).toBe(false);
  });
});

describe('Prisma client on a cloned test database', () => {
  let db: Database;
  beforeEach(async () => {
    db = await createTestDb();
  });
  afterEach(() => db.close());

  it('creates, reads, updates with a version guard and cascades deletes through the adapter', async () => {
    await seedRun(db);
    const ti = await db.prisma.taskInstance.create({ data: { dagId: 'etl', runId: 'manual__1', taskId: 'extract' } });
    expect(ti).toMatchObject({ state: 'none', mapIndex: -1, pool: 'default_pool', tryNumber: 0, version: 0 });
    expect(ti.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await db.prisma.taskLog.create({ data: { tiId: ti.id, tryNumber: 1, stream: 'stdout', line: 'hello' } });
    await db.prisma.xCom.create({
      data: { dagId: 'etl', runId: 'manual__1', taskId: 'extract', value: { rows: 3 } },
    });

    // Optimistic update: only the writer that saw version 0 wins.
    const guarded = { id: ti.id, version: 0 };
    const won = await db.prisma.taskInstance.updateMany({ where: guarded, data: { state: 'queued', version: 1 } });
    const lost = await db.prisma.taskInstance.updateMany({ where: guarded, data: { state: 'failed', version: 1 } });
    expect([won.count, lost.count]).toEqual([1, 0]);

    const run = await db.prisma.dagRun.findUniqueOrThrow({
      where: { dagId_runId: { dagId: 'etl', runId: 'manual__1' } },
      include: { taskInstances: { include: { logs: true } }, xcoms: true },
    });
    expect(run.logicalDate).toEqual(new Date('2026-11-25T10:00:00.000Z'));
    expect(run.conf).toEqual({});
    expect(run.taskInstances).toMatchObject([{ taskId: 'extract', state: 'queued', logs: [{ line: 'hello' }] }]);
    expect(run.xcoms).toMatchObject([{ key: 'return_value', mapIndex: -1, value: { rows: 3 } }]);

    await db.prisma.dag.delete({ where: { dagId: 'etl' } });
    const left = await db.sql.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM dag_run) + (SELECT count(*) FROM task_instance) + (SELECT count(*) FROM task_log) + (SELECT count(*) FROM xcom) AS n',
    );
    expect(left).toEqual([{ n: 0 }]);
  });

  it('runs interactive Prisma transactions and rolls them back on throw', async () => {
    await seedRun(db);
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.taskInstance.create({ data: { dagId: 'etl', runId: 'manual__1', taskId: 'load' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.prisma.taskInstance.count()).toBe(0);
  });

  it('gives every clone its own data', async () => {
    const other = await createTestDb();
    try {
      await seedRun(db);
      expect(await other.prisma.dag.count()).toBe(0);
      expect(await other.sql.query('SELECT pool FROM pool ORDER BY pool')).toEqual([{ pool: 'default_pool' }, { pool: 'llm' }]);
    } finally {
      await other.close();
    }
  });
});

describe('SqlClient transactions (PGlite)', () => {
  let db: Database;
  beforeEach(async () => {
    db = await createTestDb();
  });
  afterEach(() => db.close());

  const variables = async (): Promise<string[]> =>
    (await db.sql.query<{ key: string }>('SELECT key FROM variable ORDER BY key')).map((row) => row.key);

  it('commits when the callback resolves and returns its value', async () => {
    const result = await db.sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO variable (key, val) VALUES ($1, $2)`, ['a', '1']);
      return (await tx.query<{ n: number }>('SELECT count(*) AS n FROM variable'))[0]?.n;
    });
    expect(result).toBe(1);
    expect(await variables()).toEqual(['a']);
  });

  it('rolls back everything when the callback throws, and rethrows', async () => {
    const failure = new Error('task exploded');
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.exec(`INSERT INTO variable (key, val) VALUES ('a', '1'); INSERT INTO variable (key, val) VALUES ('b', '2')`);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await variables()).toEqual([]);
  });

  it('refuses to commit after a failed statement whose error the callback swallowed', async () => {
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO variable (key, val) VALUES ('a', '1')`);
        await tx.query('SELECT * FROM no_such_table').catch(() => {});
      }),
    ).rejects.toThrow();
    expect(await variables()).toEqual([]);
  });

  it('turns a nested transaction into a savepoint that undoes only the inner work', async () => {
    await db.sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO variable (key, val) VALUES ('outer', '1')`);
      await expect(
        tx.transaction(async (inner) => {
          await inner.query(`INSERT INTO variable (key, val) VALUES ('inner', '1')`);
          await inner.query(`INSERT INTO variable (key, val) VALUES ('inner', 'duplicate')`);
        }),
      ).rejects.toThrow(/duplicate key/);
      await tx.transaction((inner) => inner.query(`INSERT INTO variable (key, val) VALUES ('inner2', '1')`));
    });
    expect(await variables()).toEqual(['inner2', 'outer']);
  });

  it('throws instead of deadlocking when the root client is used inside a transaction', async () => {
    await expect(
      db.sql.transaction(async () => {
        await db.sql.query('SELECT 1');
      }),
    ).rejects.toThrow(SqlClientMisuseError);
    await expect(db.sql.transaction(() => db.sql.transaction(async () => 1))).rejects.toThrow(/use the `tx`/);
    // Outside a transaction, concurrent callers simply queue.
    const [a, b] = await Promise.all([db.sql.query('SELECT 1 AS x'), db.sql.transaction((tx) => tx.query('SELECT 2 AS x'))]);
    expect([a, b]).toEqual([[{ x: 1 }], [{ x: 2 }]]);
  });

  it('refuses a tx client used after its transaction finished', async () => {
    let leaked: Parameters<Parameters<Database['sql']['transaction']>[0]>[0] | undefined;
    await db.sql.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toThrow(/already finished/);
  });
});
