// The web issue's grid benchmark: 1,000 runs × 10 tasks of one DAG in the database, then the grid's data
// request (the latest 25 runs × tasks, one query) timed repeatedly; the floor is a primary-key lookup.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openPglite } from '../lib/store/open-pglite';
import { migrate } from '../lib/store/migrate';
import { loadGrid } from '../lib/store/ui-grid';
import { percentile } from './report';

export async function measureGridData(runs = 1000, tasks = 10, samples = 50): Promise<{ p50: number; p95: number; floorP50: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ff-bench-grid-'));
  const db = await openPglite({ dataDir: path.join(dir, 'db') });
  try {
    await migrate(db.sql);
    await db.sql.query(
      `INSERT INTO dag (dag_id, fileloc, serialized, version_hash) VALUES ('grid', '/grid.ts', '{"tasks": []}'::jsonb, 'v')`,
    );
    await db.sql.query(
      `INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end)
       SELECT 'grid', 'r' || i, 'scheduled', 'success', t, t, t FROM generate_series(1, $1::int) i,
         LATERAL (SELECT timestamptz '2026-01-01' + i * interval '1 hour' AS t) x`,
      [runs],
    );
    await db.sql.query(
      `INSERT INTO task_instance (dag_id, run_id, task_id, state, try_number)
       SELECT 'grid', 'r' || i, 't' || j, CASE WHEN (i + j) % 17 = 0 THEN 'failed' ELSE 'success' END, 1
       FROM generate_series(1, $1::int) i, generate_series(1, $2::int) j`,
      [runs, tasks],
    );
    await db.sql.exec('ANALYZE');
    const time = async (fn: () => Promise<unknown>) => {
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t = performance.now();
        await fn();
        out.push(performance.now() - t);
      }
      return out;
    };
    await loadGrid(db.sql, 'grid');
    const grid = await time(() => loadGrid(db.sql, 'grid'));
    const floor = await time(() => db.sql.query(`SELECT state FROM dag_run WHERE dag_id = 'grid' AND run_id = 'r500'`));
    return { p50: percentile(grid, 50), p95: percentile(grid, 95), floorP50: percentile(floor, 50) };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
