// The real-PostgreSQL test server itself: isolated databases, the non-UTC server time zone, password
// authentication over TCP, and nothing left listening after stop().
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server';

let server: PostgresServer;
let stopped = false;

beforeAll(async () => {
  server = await startPostgresServer();
});
afterAll(async () => {
  if (!stopped) await server?.stop();
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgresServer', () => {
  it('listens on 127.0.0.1 and hands out empty databases that do not see each other', async () => {
    expect(server.url).toMatch(new RegExp(`^postgres://flashflow:[0-9a-f]+@127\\.0\\.0\\.1:${server.port}/postgres$`));
    const [first, second] = await Promise.all([server.createDatabase(), server.createDatabase('ff_named')]);
    expect(second).toMatch(/\/ff_named$/);
    expect(first).not.toEqual(second);

    await query(first, `CREATE TABLE note (body text); INSERT INTO note VALUES ('only in the first')`);
    expect(await query(first, 'SELECT body FROM note')).toEqual([{ body: 'only in the first' }]);
    expect(await query(second, `SELECT to_regclass('note') AS note`)).toEqual([{ note: null }]);
  });

  it('runs with the server TimeZone Europe/Paris and UTF-8', async () => {
    expect(await query(server.url, 'SHOW TimeZone')).toEqual([{ TimeZone: 'Europe/Paris' }]);
    expect(await query(server.url, 'SHOW server_encoding')).toEqual([{ server_encoding: 'UTF8' }]);
  });

  it('refuses a wrong password over TCP (scram-sha-256, not trust)', async () => {
    const wrong = new URL(server.url);
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed for user "flashflow"/);
    expect(await query(server.url, 'SHOW password_encryption')).toEqual([{ password_encryption: 'scram-sha-256' }]);
  });

  it('stops: nothing accepts connections afterwards, and stopping again is harmless', async () => {
    await server.stop();
    stopped = true;
    await expect(query(server.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await server.stop();
  });
});
