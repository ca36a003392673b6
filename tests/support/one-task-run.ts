// A database holding one DAG `d` with one task `t` and one run of it, for store tests that need a task instance.
import { dag } from 'flashflow';
import { compileDag } from '../../lib/engine/compile-dag';
import type { Database } from '../../lib/store/database';
import { sqlRunStore } from '../../lib/store/run-store/sql-run-store';
import { syncDags } from '../../lib/store/sync-dags';

/** Creates run `r1` of `d` (started: running, so its task may be queued) and returns its task instance's id. */
export async function createOneTaskRun(db: Database, now: Date, options: { started?: boolean } = {}): Promise<string> {
  const d = dag({ dagId: 'd' });
  d.task('t', () => 1);
  const c = compileDag(d, '/d.ts');
  if (!c.ok) throw new Error(c.errors.join());
  await syncDags(db.sql, { dags: [c.dag], errors: [], files: [] }, now);
  const run = { dagId: 'd', runId: 'r1', runType: 'manual' as const, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now, conf: {}, externalTrigger: true };
  await sqlRunStore(db.sql).createRun(run, c.dag, now);
  if (options.started) await sqlRunStore(db.sql).startQueuedRuns(now);
  return (await db.sql.query<{ id: string }>(`SELECT id FROM task_instance`))[0]!.id;
}
