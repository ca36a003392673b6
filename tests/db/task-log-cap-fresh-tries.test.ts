// A try the store has just queued under a new try number has written nothing: its log budget starts empty without
// asking the database, while a rescheduled sensor's next poke (same try number) still counts what it wrote before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../lib/engine/run-store-port';
import { truncationMarker } from '../../lib/engine/task-log-cap';
import type { Database, SqlClient } from '../../lib/store/database';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { createOneTaskRun } from '../support/one-task-run';
import { createTestDb } from '../support/test-db';

let db: Database;
let tiId: string;
const now = new Date('2026-03-01T12:00:00Z');
const CAP = 2048;
const BUDGET_QUERY = /FROM task_log l JOIN unnest/;

beforeAll(async () => {
  db = await createTestDb();
  tiId = await createOneTaskRun(db, now, { started: true });
});
afterAll(async () => db.close());

/** The database's client, recording the text of every statement sent through it. */
function recording(sql: SqlClient, texts: string[]): SqlClient {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
      return (text: string, params?: unknown[]) => {
        texts.push(text);
        return target.query(text, params);
      };
    },
  });
}

const lines = (n: number, tryNumber: number): LogLine[] =>
  Array.from({ length: n }, (_, i) => ({ tiId, tryNumber, stream: 'stdout' as const, line: `${i} ${'x'.repeat(200)}`, at: now }));

const storedBytes = async (tryNumber: number) =>
  (await db.sql.query<{ bytes: number }>(`SELECT coalesce(sum(octet_length(line) + 1), 0)::int AS bytes FROM task_log WHERE ti_id = $1 AND try_number = $2`, [tiId, tryNumber]))[0]!.bytes;

describe('log budgets of freshly queued tries', () => {
  it('caps a try queued under a new try number without reading its log, and reads it for a poke of the same try', async () => {
    const texts: string[] = [];
    const store = sqlRunStore(recording(db.sql, texts), { taskLogMaxBytes: CAP });
    await db.sql.query(`UPDATE task_instance SET state = 'scheduled' WHERE id = $1`, [tiId]);
    const [queued] = await store.queueScheduled(10, now);
    expect(queued).toMatchObject({ tiId, tryNumber: 1, firstPokeAt: null });

    texts.length = 0;
    await store.appendLogs(lines(5, 1));
    await store.appendLogs(lines(10, 1));
    expect(texts.filter((t) => BUDGET_QUERY.test(t))).toEqual([]);
    const rows = await db.sql.query<{ line: string }>(`SELECT line FROM task_log WHERE ti_id = $1 AND try_number = 1 ORDER BY id`, [tiId]);
    expect(rows.at(-1)!.line).toBe(truncationMarker(CAP));
    expect((await storedBytes(1)) - (truncationMarker(CAP).length + 1)).toBeLessThanOrEqual(CAP);

    // The next poke of a rescheduled sensor keeps try 1: a new store (a restarted scheduler) must count its lines.
    await db.sql.query(`UPDATE task_instance SET state = 'scheduled', first_poke_at = $2 WHERE id = $1`, [tiId, now]);
    const restarted = sqlRunStore(recording(db.sql, texts), { taskLogMaxBytes: CAP });
    const [poke] = await restarted.queueScheduled(10, now);
    expect(poke).toMatchObject({ tiId, tryNumber: 1 });
    expect(poke!.firstPokeAt).not.toBeNull();
    texts.length = 0;
    const before = await storedBytes(1);
    await restarted.appendLogs(lines(3, 1));
    expect(texts.filter((t) => BUDGET_QUERY.test(t))).toHaveLength(1);
    expect(await storedBytes(1)).toBe(before);
  });
});
