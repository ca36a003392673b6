// The store's reads behind `flashflow dags test`, the service-call check of a try, the dag-runs API and the home
// page, on a real PGlite with rows written by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../lib/store/database';
import { isDagPaused } from '../../lib/store/dag-admin';
import { getOverview, llmConfigured } from '../../lib/store/overview';
import { runLogLinesAfter, runOutcome, runTaskInstances } from '../../lib/store/run-progress';
import { currentTry } from '../../lib/store/try-state';
import { createTestDb } from '../support/test-db';

const TI_A = '6f1c2d4e-0000-4000-8000-000000000001';
const TI_B = '6f1c2d4e-0000-4000-8000-000000000002';

describe('run reads', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createTestDb();
    await db.sql.exec(`
      INSERT INTO dag (dag_id, fileloc, serialized, version_hash) VALUES ('etl', 'etl.ts', '{}', 'v1');
      INSERT INTO dag (dag_id, fileloc, serialized, version_hash, is_paused) VALUES ('paused', 'p.ts', '{}', 'v1', true);
      INSERT INTO dag (dag_id, fileloc, serialized, version_hash, is_active) VALUES ('gone', 'g.ts', '{}', 'v1', false);
      INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end, failure_reason)
        VALUES ('etl', 'r1', 'manual', 'failed', now(), now(), now(), 'tasks ended failed: b');
      INSERT INTO task_instance (id, dag_id, run_id, task_id, map_index, state, try_number, last_error)
        VALUES ('${TI_B}', 'etl', 'r1', 'b', -1, 'failed', 2, 'boom'),
               ('${TI_A}', 'etl', 'r1', 'a', -1, 'running', 1, NULL);
      INSERT INTO task_log (ti_id, try_number, stream, line) VALUES ('${TI_A}', 1, 'stdout', 'first'), ('${TI_B}', 2, 'stdout', 'second');
    `);
  });
  afterAll(() => db?.close());

  it("lists a run's task instances in task order, with the last error", async () => {
    const tis = await runTaskInstances(db.sql, { dagId: 'etl', runId: 'r1' });
    expect(tis.map((t) => [t.task_id, t.state, t.try_number, t.last_error])).toEqual([
      ['a', 'running', 1, null],
      ['b', 'failed', 2, 'boom'],
    ]);
  });

  it('returns only the log lines past the mark, oldest first', async () => {
    const all = await runLogLinesAfter(db.sql, { dagId: 'etl', runId: 'r1' }, 0);
    expect(all.map((l) => [l.task_id, l.line])).toEqual([['a', 'first'], ['b', 'second']]);
    expect((await runLogLinesAfter(db.sql, { dagId: 'etl', runId: 'r1' }, all[0]!.id)).map((l) => l.line)).toEqual(['second']);
  });

  it("reads the run's state and failure reason, null for an unknown run", async () => {
    expect(await runOutcome(db.sql, { dagId: 'etl', runId: 'r1' })).toEqual({ state: 'failed', failure_reason: 'tasks ended failed: b' });
    expect(await runOutcome(db.sql, { dagId: 'etl', runId: 'nope' })).toBeNull();
  });

  it("reads a task instance's current try, null for an unknown id", async () => {
    expect(await currentTry(db.sql, TI_B)).toEqual({ state: 'failed', try_number: 2 });
    expect(await currentTry(db.sql, '6f1c2d4e-0000-4000-8000-00000000ffff')).toBeNull();
  });

  it('says whether an active DAG is paused, and null for an unknown or inactive one', async () => {
    expect(await isDagPaused(db.sql, 'etl')).toBe(false);
    expect(await isDagPaused(db.sql, 'paused')).toBe(true);
    expect(await isDagPaused(db.sql, 'gone')).toBeNull();
    expect(await isDagPaused(db.sql, 'nope')).toBeNull();
  });

  it('counts active DAGs, paused ones and runs by state for the home page', async () => {
    expect(await getOverview(db.sql)).toEqual({ dags: 2, pausedDags: 1, importErrors: 0, runs: { queued: 0, running: 0, success: 0, failed: 1 } });
    expect(await llmConfigured(db.sql, { baseUrl: null, apiKey: null })).toBe(false);
    expect(await llmConfigured(db.sql, { baseUrl: 'http://127.0.0.1:1', apiKey: null })).toBe(true);
  });
});
