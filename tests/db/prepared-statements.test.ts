// Statements the engine repeats are prepared once per connection (lib/store/prepared-statements.ts), on the real
// wire protocol: a PGlite served on 127.0.0.1 stands in for the server, as in store-drivers.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../lib/store/database';
import { PreparedStatementNames } from '../../lib/store/prepared-statements';
import { startPgliteTcpBridge, type PgliteTcpBridge } from '../support/pglite-tcp-bridge';
import { testDbTemplate } from '../support/test-db';

let bridge: PgliteTcpBridge;
let postgres: Database;

beforeAll(async () => {
  bridge = await startPgliteTcpBridge({ loadDataDir: await testDbTemplate() });
  postgres = await openDatabase({ databaseUrl: bridge.url, maxConnections: 1 });
});
afterAll(async () => {
  await postgres?.close();
  await bridge?.close();
});

describe('prepared statements on PostgreSQL', () => {
  it('prepares a repeated statement once on its connection and answers from it each time', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    for (const n of [1, 2, 3]) expect(await postgres.sql.query(text, [n])).toEqual([{ n: n + 1 }]);
    const held = await postgres.sql.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    expect(held.filter((h) => h.statement === text)).toHaveLength(1);
  });

  it('answers a SELECT * prepared before a migration added a column, with the new column', async () => {
    await postgres.sql.query('CREATE TABLE prepared_probe (a int)');
    await postgres.sql.query('INSERT INTO prepared_probe VALUES (1)');
    const text = 'SELECT * FROM prepared_probe';
    expect(await postgres.sql.query(text)).toEqual([{ a: 1 }]);
    await postgres.sql.query('ALTER TABLE prepared_probe ADD COLUMN b text');
    expect(await postgres.sql.query(text)).toEqual([{ a: 1, b: null }]);
    expect(await postgres.sql.query(text)).toEqual([{ a: 1, b: null }]);
  });

  it('fails a stale statement inside a transaction (the transaction is aborted), then sends it unnamed', async () => {
    await postgres.sql.query('CREATE TABLE prepared_tx (a int)');
    const text = 'SELECT * FROM prepared_tx';
    await postgres.sql.query(text);
    await postgres.sql.query('ALTER TABLE prepared_tx ADD COLUMN b int');
    await expect(postgres.sql.transaction((tx) => tx.query(text))).rejects.toThrow(/cached plan must not change result type/);
    expect(await postgres.sql.transaction((tx) => tx.query(text))).toEqual([]);
  });
});

describe('PreparedStatementNames', () => {
  it('names each text once, and sends texts past its bound unnamed', () => {
    const names = new PreparedStatementNames(2);
    const a = names.nameOf('SELECT 1');
    expect(a).toBeDefined();
    expect(names.nameOf('SELECT 1')).toBe(a);
    expect(names.nameOf('SELECT 2')).not.toBe(a);
    expect(names.nameOf('SELECT 3')).toBeUndefined();
  });

  it('takes only the stale-plan error as a reason to stop naming a text', () => {
    const names = new PreparedStatementNames();
    names.nameOf('SELECT 1');
    expect(names.stale('SELECT 1', new Error('relation "x" does not exist'))).toBe(false);
    expect(names.nameOf('SELECT 1')).toBeDefined();
    expect(names.stale('SELECT 1', new Error('cached plan must not change result type'))).toBe(true);
    expect(names.nameOf('SELECT 1')).toBeUndefined();
  });
});
