// The store side of the per-try log cap (ADR 0032): whatever sends the lines (a runner, a remote worker's batch,
// an older worker that does not cap), a try's stored log stops at FLASHFLOW_TASK_LOG_MAX_BYTES with one marker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../lib/engine/run-store-port';
import { DEFAULT_TASK_LOG_MAX_BYTES, truncationMarker } from '../../lib/engine/task-log-cap';
import { appendLogs, TaskLogCap } from '../../lib/store/run-store/logs-and-callbacks';
import type { Database } from '../../lib/store/database';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { createOneTaskRun } from '../support/one-task-run';
import { createTestDb } from '../support/test-db';

let db: Database;
let tiId: string;
const now = new Date('2026-03-01T12:00:00Z');

beforeAll(async () => {
  db = await createTestDb();
  tiId = await createOneTaskRun(db, now);
});
afterAll(async () => db.close());

const lines = (n: number, text: (i: number) => string, tryNumber = 1): LogLine[] =>
  Array.from({ length: n }, (_, i) => ({ tiId, tryNumber, stream: 'stdout' as const, line: text(i), at: now }));

async function stored(tryNumber = 1) {
  return db.sql.query<{ line: string; stream: string; bytes: number }>(
    `SELECT line, stream, octet_length(line) + 1 AS bytes FROM task_log WHERE try_number = $1 ORDER BY id`, [tryNumber]);
}

describe('task log cap in the store', () => {
  it('keeps the first 5 MiB of a several-MiB log (default cap), then one marker, across batches', async () => {
    const store = sqlRunStore(db.sql);
    const big = 'é'.repeat(32 * 1024); // 64 KiB of UTF-8: bytes, not characters, are counted
    for (let batch = 0; batch < 4; batch++) await store.appendLogs(lines(25, (i) => `${batch}-${i} ${big}`));
    const rows = await stored();
    expect(rows.at(-1)).toMatchObject({ line: truncationMarker(DEFAULT_TASK_LOG_MAX_BYTES), stream: 'log' });
    const kept = rows.slice(0, -1);
    const bytes = kept.reduce((n, r) => n + r.bytes, 0);
    expect(bytes).toBeLessThanOrEqual(DEFAULT_TASK_LOG_MAX_BYTES);
    expect(bytes).toBeGreaterThan(DEFAULT_TASK_LOG_MAX_BYTES - 70 * 1024);
    expect(kept[0]!.line.startsWith('0-0 ')).toBe(true);
    await store.appendLogs(lines(3, (i) => `late ${i}`));
    expect(await stored()).toHaveLength(rows.length);
  });

  it('counts what an earlier process stored, caps each try on its own, and stores a runner\'s marker once', async () => {
    await sqlRunStore(db.sql, { taskLogMaxBytes: 2048 }).appendLogs(lines(10, (i) => `first ${i} ${'x'.repeat(90)}`, 11));
    // A restarted scheduler (a new store) reads the try's bytes back from the table.
    const restarted = sqlRunStore(db.sql, { taskLogMaxBytes: 2048 });
    await restarted.appendLogs([...lines(20, (i) => `second ${i} ${'x'.repeat(90)}`, 11), ...lines(2, (i) => `try 2 line ${i}`, 12)]);
    const one = await stored(11);
    expect(one.slice(0, -1).reduce((n, r) => n + r.bytes, 0)).toBeLessThanOrEqual(2048);
    expect(one.filter((r) => r.line === truncationMarker(2048))).toHaveLength(1);
    expect(one.at(-1)!.line).toBe(truncationMarker(2048));
    expect((await stored(12)).map((r) => r.line)).toEqual(['try 2 line 0', 'try 2 line 1']);

    // The runner's own marker (same cap) is kept as the marker, and nothing after it.
    await restarted.appendLogs([...lines(1, () => truncationMarker(4096), 13), ...lines(1, () => 'after', 13)]);
    expect((await stored(13)).map((r) => r.line)).toEqual([truncationMarker(2048)]);

    // A task's own line that only looks like the start of a marker is output like any other.
    await restarted.appendLogs([...lines(1, () => '*** Log truncated: not really', 14), ...lines(1, () => 'after', 14)]);
    expect((await stored(14)).map((r) => r.line)).toEqual(['*** Log truncated: not really', 'after']);
  });

  it('after a restart, judges a stored line by the whole marker, not by a pattern that a look-alike matches', async () => {
    const lookAlike = '*** Log truncated: this try wrote more than many bytes (FLASHFLOW_TASK_LOG_MAX_BYTES); the rest of its output was dropped ***';
    await appendLogs(db.sql, lines(1, () => lookAlike, 15), new TaskLogCap(4096));
    await appendLogs(db.sql, lines(1, () => 'still logged', 15), new TaskLogCap(4096));
    expect((await stored(15)).map((r) => r.line)).toEqual([lookAlike, 'still logged']);
  });

  it('holds the budgets of a batch with more tries than it keeps in memory', async () => {
    // Keeping 2 budgets, a batch of 3 tries evicts while it is filtered; each try still gets its own cap.
    const cap = new TaskLogCap(1024, 2);
    const batch = [16, 17, 18].flatMap((t) => lines(12, (i) => `try ${t} line ${i} ${'y'.repeat(90)}`, t));
    await appendLogs(db.sql, batch, cap);
    await appendLogs(db.sql, lines(1, () => 'later', 16), cap);
    for (const t of [16, 17, 18]) {
      const rows = await stored(t);
      expect(rows.at(-1)!.line).toBe(truncationMarker(1024));
      expect(rows.slice(0, -1).reduce((n, r) => n + r.bytes, 0)).toBeLessThanOrEqual(1024);
    }
  });
});
