// The hardware floor for the scheduler: single-row INSERTs, one statement each, on a file-backed PGlite.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openPglite } from '../lib/store/open-pglite';

export async function measureSingleRowWrites(n = 2000): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-db-'));
  const db = await openPglite({ dataDir: path.join(dir, 'db') });
  try {
    await db.sql.exec(`CREATE TABLE t (id serial PRIMARY KEY, state text, at timestamptz)`);
    const started = performance.now();
    for (let i = 0; i < n; i++) await db.sql.query(`INSERT INTO t (state, at) VALUES ($1, $2)`, ['queued', new Date()]);
    return n / ((performance.now() - started) / 1000);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
