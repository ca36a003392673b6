// A statement run again goes through a named prepared statement: same rows, same errors, same locking as query().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type PgliteDatabase } from '../../lib/store/open-pglite';

let db: PgliteDatabase;
beforeAll(async () => {
  db = await openPglite();
  await db.sql.exec(`CREATE TABLE t (id uuid PRIMARY KEY, n int, at timestamptz, tags text[], doc jsonb, note text UNIQUE)`);
});
afterAll(() => db?.close());

const INSERT = `INSERT INTO t (id, n, at, tags, doc, note) VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING *`;
const at = new Date('2026-03-01T12:34:56.789Z');

describe('repeated statements on PGlite', () => {
  it('return the same typed rows the first (unprepared) and later (prepared) times', async () => {
    const rows = [];
    for (let i = 1; i <= 3; i++) {
      const id = `00000000-0000-0000-0000-00000000000${i}`;
      rows.push(...(await db.sql.query(INSERT, [id, i, at, ['a', `b'${i}`], JSON.stringify({ i, s: 'é' }), i === 2 ? null : `n${i}`])));
    }
    expect(rows).toEqual([1, 2, 3].map((i) => ({
      id: `00000000-0000-0000-0000-00000000000${i}`, n: i, at, tags: ['a', `b'${i}`], doc: { i, s: 'é' }, note: i === 2 ? null : `n${i}`,
    })));
    for (let i = 0; i < 3; i++) {
      expect(await db.sql.query(`SELECT n FROM t WHERE n = ANY($1::int[]) ORDER BY n`, [[1, 3]])).toEqual([{ n: 1 }, { n: 3 }]);
      expect(await db.sql.query(`UPDATE t SET n = n WHERE id = $1`, ['00000000-0000-0000-0000-000000000009'])).toEqual([]);
    }
  });

  it('report database errors with their code, and stay usable after one', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(db.sql.query(INSERT, [`00000000-0000-0000-0000-0000000000a${i}`, 0, at, [], '{}', 'n1'])).rejects.toMatchObject({ code: '23505' });
    }
    expect(await db.sql.query(`SELECT count(*)::int AS n FROM t WHERE note = $1`, ['n1'])).toEqual([{ n: 1 }]);
  });

  it('roll back with their transaction, and wait outside one for it to end', async () => {
    const count = `SELECT count(*)::int AS n FROM t WHERE n = $1`;
    for (let i = 0; i < 2; i++) await db.sql.query(count, [7]);
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const tx = db.sql.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.query(INSERT, [`00000000-0000-0000-0000-0000000000b${i}`, 7, at, [], '{}', `tx${i}`]);
      expect(await tx.query(count, [7])).toEqual([{ n: 3 }]);
      entered();
      await held;
      throw new Error('roll back');
    });
    await inside;
    // PGlite has one session: a statement that did not wait would run inside the open transaction and see 3.
    const outside = db.sql.query(count, [7]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await expect(tx).rejects.toThrow('roll back');
    expect(await outside).toEqual([{ n: 0 }]);
  });
});
