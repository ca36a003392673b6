// The log endpoint's paging (ADR 0032): pages bounded by lines and bytes with a continuation token that goes on
// where the page ended, `more` in the token while stored lines remain, full_content bounded too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dag } from 'flashflow';
import { readTryLog } from '../../lib/api/handlers/task-instances';
import type { ApiRuntime } from '../../lib/api/handlers/shared';
import { compileDag } from '../../lib/engine/compile-dag';
import { truncationMarker } from '../../lib/engine/task-log-cap';
import type { Database } from '../../lib/store/database';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { syncDags } from '../../lib/store/sync-dags';
import { createTestDb } from '../support/test-db';

let db: Database;
let rt: ApiRuntime;
const now = new Date('2026-03-01T12:00:00Z');
const key = { dagId: 'd', runId: 'r1', taskId: 't', mapIndex: -1, tryNumber: 1 };
const LINES = 3_000;
const lineText = (i: number) => `line ${String(i).padStart(5, '0')} ${'y'.repeat(490)}`;

beforeAll(async () => {
  db = await createTestDb();
  rt = { db } as unknown as ApiRuntime;
  const d = dag({ dagId: 'd' });
  d.task('t', () => 1);
  const c = compileDag(d, '/d.ts');
  if (!c.ok) throw new Error(c.errors.join());
  await syncDags(db.sql, { dags: [c.dag], errors: [], files: [] }, now);
  const store = sqlRunStore(db.sql, { taskLogMaxBytes: 1024 * 1024 });
  await store.createRun({ ...key, runType: 'manual', logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, conf: {}, externalTrigger: true }, c.dag, now);
  await db.sql.query(`UPDATE task_instance SET state = 'success', try_number = 1`);
  const tiId = (await db.sql.query<{ id: string }>(`SELECT id FROM task_instance`))[0]!.id;
  // ~1.5 MiB written, the cap keeps the first MiB and a marker.
  await store.appendLogs(Array.from({ length: LINES }, (_, i) => ({ tiId, tryNumber: 1, stream: 'stdout' as const, line: lineText(i), at: now })));
});
afterAll(async () => db.close());

const position = (token: string) => JSON.parse(Buffer.from(token, 'base64url').toString()) as { log_pos: number; end_of_log: boolean; more?: boolean };
const bodyLines = (content: string) => content.split('\n').filter(Boolean).map((l) => l.replace(/^\[[^\]]+\] \{\w+\} /, ''));

describe('log paging', () => {
  it('pages by bytes, each page continuing where the last ended, until end_of_log', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await readTryLog(rt, key, { fullContent: false, token });
      pages++;
      // Stored lines are bounded to 512 KiB; each rendered line adds its time and stream.
      expect(Buffer.byteLength(page.content)).toBeLessThan(512 * 1024 * 1.1);
      seen.push(...bodyLines(page.content));
      token = page.continuation_token;
      const pos = position(token);
      if (pos.end_of_log) {
        expect(pos.more).toBeUndefined();
        break;
      }
      expect(pos.more).toBe(true);
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe(truncationMarker(1024 * 1024));
    const kept = seen.slice(0, -1);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => lineText(i)));
    expect(kept.length).toBeGreaterThan(2_000);
    expect(kept.length).toBeLessThan(LINES);
  });

  it('answers full_content in one piece within its bound, and goes on through the token past it', async () => {
    const whole = await readTryLog(rt, key, { fullContent: true });
    expect(position(whole.continuation_token).end_of_log).toBe(true);
    expect(bodyLines(whole.content).at(-1)).toBe(truncationMarker(1024 * 1024));

    const small = { page: { lines: 5_000, bytes: 512 * 1024 }, full: { lines: 200_000, bytes: 100_000 } };
    const bounded = await readTryLog(rt, key, { fullContent: true }, small);
    expect(bodyLines(bounded.content)).toHaveLength(199);
    const pos = position(bounded.continuation_token);
    expect(pos).toMatchObject({ end_of_log: false, more: true });
    const next = await readTryLog(rt, key, { fullContent: true, token: bounded.continuation_token }, small);
    expect(bodyLines(next.content)[0]).toBe(lineText(199));
  });

  it('refuses a token it did not make', async () => {
    await expect(readTryLog(rt, key, { fullContent: false, token: 'bm90IGpzb24' })).rejects.toThrow(/not a continuation_token/);
  });
});
