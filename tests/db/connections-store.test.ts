// The connection table on a real (PGlite) database: CRUD, secrets encrypted at rest, wrong keys, rotation, and
// the `connections.get` service where FLASHFLOW_CONN_* variables win over the table.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TaskJob } from '../../lib/engine/executor-port';
import { ConflictError, InvalidInputError, NotFoundError } from '../../lib/kernel/errors';
import { taskServiceHandler } from '../../lib/runtime/task-services';
import { SecretBox } from '../../lib/secrets/secret-box';
import {
  connectionSource,
  createConnection,
  deleteConnection,
  findConnection,
  getConnection,
  listConnections,
  reencryptConnections,
  updateConnection,
  type ConnectionSource,
} from '../../lib/store/connections';
import { maskedConnection, type Connection } from '../../lib/connections/connection-model';
import type { Database } from '../../lib/store/database';
import { createTestDb } from '../support/test-db';
import { insertVariable, variableSource } from '../../lib/store/variables';

let db: Database;
const key = randomBytes(32);
const secrets = new SecretBox([key]);

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.sql.exec('DELETE FROM connection');
});

const warehouse = {
  conn_id: 'warehouse',
  conn_type: 'postgres',
  description: 'the reporting database',
  host: 'db.internal',
  schema: 'reports',
  login: 'etl',
  password: 's3cr3t-p@ss',
  port: 5432,
  extra: '{"sslmode": "require", "api_token": "tok-123"}',
};

async function storedRow(connId: string): Promise<Record<string, unknown>> {
  const rows = await db.sql.query('SELECT * FROM connection WHERE conn_id = $1', [connId]);
  return rows[0]!;
}

describe('connection store', () => {
  it('creates and reads back a connection whose password and extra are not stored in clear', async () => {
    const created = await createConnection(db.prisma, secrets, warehouse);
    expect(created).toEqual(warehouse);
    expect(await getConnection(db.prisma, secrets, 'warehouse')).toEqual(warehouse);

    const row = await storedRow('warehouse');
    expect(row).toMatchObject({ conn_id: 'warehouse', host: 'db.internal', login: 'etl', port: 5432, is_encrypted: true });
    expect(row.password).toMatch(/^v1:[0-9a-f]{16}:/);
    expect(row.extra).toMatch(/^v1:[0-9a-f]{16}:/);
    const everything = JSON.stringify(await db.sql.query('SELECT * FROM connection'));
    expect(everything).not.toContain('s3cr3t');
    expect(everything).not.toContain('tok-123');
  });

  it('fills unset fields with null and accepts extra as an object', async () => {
    const conn = await createConnection(db.prisma, secrets, { conn_id: 'api', conn_type: 'http', host: '', extra: { headers: { A: 'b' } } });
    expect(conn).toEqual({
      conn_id: 'api', conn_type: 'http', description: null, host: null, schema: null, login: null, password: null, port: null,
      extra: '{"headers":{"A":"b"}}',
    });
    expect((await storedRow('api')).password).toBeNull();
  });

  it('refuses a duplicate conn_id with ConflictError', async () => {
    await createConnection(db.prisma, secrets, warehouse);
    await expect(createConnection(db.prisma, secrets, warehouse)).rejects.toThrow(ConflictError);
    await expect(createConnection(db.prisma, secrets, warehouse)).rejects.toThrow("connection 'warehouse' already exists");
  });

  it('refuses invalid input with the failing fields', async () => {
    const attempt = createConnection(db.prisma, secrets, {
      conn_id: 'bad id!', conn_type: '', port: 70000, extra: '[1, 2]',
    });
    await expect(attempt).rejects.toThrow(InvalidInputError);
    const error = (await attempt.catch((e: unknown) => e)) as InvalidInputError;
    expect(error.fields.map((f) => f.path)).toEqual(['conn_id', 'conn_type', 'port', 'extra']);
    expect(error.message).toContain("conn_id: may contain only ASCII letters, digits, '_', '.' and '-'");
    expect(error.message).toContain('extra: must be a JSON object');
    await expect(createConnection(db.prisma, secrets, { conn_id: 'x'.repeat(251), conn_type: 'http' })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(createConnection(db.prisma, secrets, { conn_id: 'ok.id-1_A', conn_type: 'http' })).resolves.toBeTruthy();
  });

  it('says NotFoundError for a missing connection on get, update and delete', async () => {
    await expect(getConnection(db.prisma, secrets, 'nope')).rejects.toThrow(new NotFoundError("connection 'nope' not found"));
    expect(await findConnection(db.prisma, secrets, 'nope')).toBeNull();
    await expect(updateConnection(db.prisma, secrets, 'nope', { host: 'x' })).rejects.toThrow(NotFoundError);
    await expect(deleteConnection(db.prisma, 'nope')).rejects.toThrow(NotFoundError);
  });

  it('updates only the given fields: absent keeps, null clears, a new password is encrypted', async () => {
    await createConnection(db.prisma, secrets, warehouse);
    const updated = await updateConnection(db.prisma, secrets, 'warehouse', { host: 'db2.internal', description: null, password: 'n3w' });
    expect(updated).toEqual({ ...warehouse, host: 'db2.internal', description: null, password: 'n3w' });
    expect(await getConnection(db.prisma, secrets, 'warehouse')).toEqual(updated);
    expect(JSON.stringify(await storedRow('warehouse'))).not.toContain('n3w');
    await updateConnection(db.prisma, secrets, 'warehouse', { password: null, extra: null });
    expect(await getConnection(db.prisma, secrets, 'warehouse')).toMatchObject({ password: null, extra: null, login: 'etl' });
    await expect(updateConnection(db.prisma, secrets, 'warehouse', { conn_id: 'renamed' } as never)).rejects.toThrow(
      /Unrecognized key: "conn_id"/,
    );
  });

  it('lists in conn_id order with paging, and deletes', async () => {
    for (const id of ['c', 'a', 'b']) await createConnection(db.prisma, secrets, { ...warehouse, conn_id: id });
    const page = await listConnections(db.prisma, secrets, { limit: 2, offset: 1 });
    expect(page.total_entries).toBe(3);
    expect(page.connections.map((c) => [c.conn_id, c.password])).toEqual([['b', warehouse.password], ['c', warehouse.password]]);
    await deleteConnection(db.prisma, 'b');
    expect((await listConnections(db.prisma, secrets)).connections.map((c) => c.conn_id)).toEqual(['a', 'c']);
  });

  it('names the connection and both keys when the configured key is not the one it was encrypted with', async () => {
    await createConnection(db.prisma, secrets, warehouse);
    const otherKey = new SecretBox([randomBytes(32)]);
    await expect(getConnection(db.prisma, otherKey, 'warehouse')).rejects.toThrow(
      `cannot decrypt the password of connection 'warehouse': it was encrypted with key ${secrets.primaryKeyId}, ` +
        `but the configured secret key is ${otherKey.primaryKeyId}`,
    );
    // Replacing both secrets needs no decryption: the way out when the old key is lost for good.
    await updateConnection(db.prisma, otherKey, 'warehouse', { password: 'fresh', extra: null });
    expect((await getConnection(db.prisma, otherKey, 'warehouse')).password).toBe('fresh');
  });

  it('detects a ciphertext altered or copied from another connection in the table', async () => {
    await createConnection(db.prisma, secrets, warehouse);
    await createConnection(db.prisma, secrets, { ...warehouse, conn_id: 'other', password: 'other-pass' });
    await db.sql.query(`UPDATE connection SET password = (SELECT password FROM connection WHERE conn_id = 'other') WHERE conn_id = 'warehouse'`);
    await expect(getConnection(db.prisma, secrets, 'warehouse')).rejects.toThrow(
      "cannot decrypt the password of connection 'warehouse': the ciphertext was altered or belongs to another record",
    );
  });

  it('reads rows written in clear and encrypts them, and re-encrypts under a new primary key (rotation)', async () => {
    await db.sql.query(
      `INSERT INTO connection (conn_id, conn_type, password, extra, is_encrypted) VALUES ('legacy', 'http', 'plain', '{"a":1}', false)`,
    );
    await createConnection(db.prisma, secrets, warehouse);
    expect((await getConnection(db.prisma, secrets, 'legacy')).password).toBe('plain');

    const newKey = randomBytes(32);
    const rotated = new SecretBox([newKey, key]);
    expect(await reencryptConnections(db.prisma, rotated)).toBe(2);
    expect(await reencryptConnections(db.prisma, rotated)).toBe(0);
    const onlyNewKey = new SecretBox([newKey]);
    expect((await getConnection(db.prisma, onlyNewKey, 'legacy')).password).toBe('plain');
    expect(await getConnection(db.prisma, onlyNewKey, 'warehouse')).toEqual(warehouse);
    expect(await storedRow('legacy')).toMatchObject({ is_encrypted: true });
  });

  it('masks the password and secret-looking extra values for the API', async () => {
    const conn: Connection = {
      ...warehouse,
      extra: JSON.stringify({ sslmode: 'require', api_token: 't', headers: { Authorization: 'Bearer x', Accept: 'json' }, nested: [{ Password: 'p' }] }),
    };
    const masked = maskedConnection(conn);
    expect(masked).toEqual({
      connection_id: 'warehouse', conn_type: 'postgres', description: 'the reporting database', host: 'db.internal',
      login: 'etl', schema: 'reports', port: 5432,
      extra: JSON.stringify({ sslmode: 'require', api_token: '***', headers: { Authorization: '***', Accept: 'json' }, nested: [{ Password: '***' }] }),
    });
    expect(JSON.stringify(masked)).not.toContain(warehouse.password);
    expect(maskedConnection({ ...conn, extra: 'not json' }).extra).toBe('***');
  });
});

function servicesOf(connections: ConnectionSource) {
  return taskServiceHandler({ sql: db.sql, now: () => new Date(), connections, llmEnv: {}, wake: () => {}, beforeChange: async () => {} });
}

describe('connections.get service', () => {
  const job = { tiId: 'ti-1', dagId: 'd', runId: 'r', taskId: 't' } as TaskJob;

  it('answers from the table, decrypted, and null for an unknown id', async () => {
    await createConnection(db.prisma, secrets, warehouse);
    const handler = servicesOf(connectionSource({ db: db.prisma, secrets }));
    expect(await handler(job, 'connections.get', { connId: 'warehouse' })).toEqual(warehouse);
    expect(await handler(job, 'connections.get', { connId: 'missing' })).toBeNull();
    await expect(handler(job, 'connections.get', { connId: 'bad id' })).rejects.toThrow(/invalid conn_id/);
    await expect(handler(job, 'connections.get', {})).rejects.toThrow(/^service connections\.get: the input does not match its contract: connId: /);
  });

  it('lets FLASHFLOW_CONN_<CONN_ID> win over the table', async () => {
    await createConnection(db.prisma, secrets, warehouse);
    const env = { FLASHFLOW_CONN_WAREHOUSE: 'postgresql://env_user:env%2Fpass@env-host:6543/envdb?sslmode=disable' };
    const handler = servicesOf(connectionSource({ db: db.prisma, secrets, env }));
    expect(await handler(job, 'connections.get', { connId: 'warehouse' })).toEqual({
      conn_id: 'warehouse', conn_type: 'postgres', description: null, host: 'env-host', schema: 'envdb',
      login: 'env_user', password: 'env/pass', port: 6543, extra: '{"sslmode":"disable"}',
    });
  });

  it('is one service among the others of the registry', async () => {
    const handler = servicesOf(connectionSource({ db: db.prisma, secrets }));
    expect(await handler(job, 'xcom.pull', { taskId: 'x', mapIndex: null })).toBeNull();
    await expect(handler(job, 'connections.list', {})).rejects.toThrow(/^unknown service 'connections\.list'; known: .*connections\.get/);
  });
});

describe('built-in default connections', () => {
  const job = { tiId: 'ti-1', dagId: 'd', runId: 'r', taskId: 't' } as TaskJob;

  it('answers ftp_default with the demo FTP server until the table or FLASHFLOW_CONN_FTP_DEFAULT defines it', async () => {
    const builtIn = await servicesOf(connectionSource({ db: db.prisma, secrets }))(job, 'connections.get', { connId: 'ftp_default' });
    expect(builtIn).toMatchObject({ conn_type: 'ftp', host: '127.0.0.1', port: 2121, login: 'flashflow' });
    await createConnection(db.prisma, secrets, { conn_id: 'ftp_default', conn_type: 'ftp', host: 'files.internal', port: 21 });
    expect(await servicesOf(connectionSource({ db: db.prisma, secrets }))(job, 'connections.get', { connId: 'ftp_default' })).toMatchObject({ host: 'files.internal' });
    const env = { FLASHFLOW_CONN_FTP_DEFAULT: 'ftp://u:p@10.1.2.3:2100' };
    expect(await servicesOf(connectionSource({ db: db.prisma, secrets, env }))(job, 'connections.get', { connId: 'ftp_default' })).toMatchObject({ host: '10.1.2.3', port: 2100, login: 'u', password: 'p' });
  });
});

describe('variables.get service', () => {
  const job = { tiId: 'ti-1', dagId: 'd', runId: 'r', taskId: 't' } as TaskJob;

  it('answers FLASHFLOW_VAR_<KEY> first, then the table, and null when the variable is set nowhere', async () => {
    await insertVariable(db.sql, { key: 'min_accuracy', value: '0.9', description: null });
    await insertVariable(db.sql, { key: 'alert_emails', value: 'a@example.com', description: null });
    const handler = taskServiceHandler({
      sql: db.sql, now: () => new Date(), connections: connectionSource({ db: db.prisma, secrets }), llmEnv: {}, wake: () => {},
      beforeChange: async () => {}, variables: variableSource(db.sql, { FLASHFLOW_VAR_MIN_ACCURACY: '0.5' }),
    });
    expect(await handler(job, 'variables.get', { key: 'min_accuracy' })).toBe('0.5');
    expect(await handler(job, 'variables.get', { key: 'alert_emails' })).toBe('a@example.com');
    expect(await handler(job, 'variables.get', { key: 'nothing_here' })).toBeNull();
    await expect(handler(job, 'variables.get', { key: '' })).rejects.toThrow(/does not match its contract/);
  });
});

