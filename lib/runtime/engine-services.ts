// Services task code reaches through ctx.call for cross-DAG work: triggering another DAG, and reading the
// state of runs, tasks and assets for sensors. They run in the process that owns the database.
import { z } from 'zod';
import type { SqlClient } from '../store/database';
import { triggerDagRun } from '../store/trigger-dag-run';
import { readOnly, type Service } from './services';

const Trigger = z.object({
  dagId: z.string().min(1),
  conf: z.record(z.string(), z.unknown()).optional(),
  runId: z.string().min(1).optional(),
  logicalDate: z.coerce.date().optional(),
});
const RunRef = z.object({ dagId: z.string().min(1), runId: z.string().min(1) });
const TaskRef = z.object({ dagId: z.string().min(1), taskId: z.string().min(1).nullable(), logicalDate: z.coerce.date() });
const AssetRef = z.object({ uri: z.string().min(1), after: z.coerce.date() });

export function engineServices(sql: SqlClient, now: () => Date, wake: () => void): Record<string, Service> {
  return {
    'dags.trigger': async (job, payload) => {
      const p = Trigger.parse(payload);
      const run = await triggerDagRun(sql, { ...p, note: `triggered by ${job.dagId}.${job.taskId} (${job.runId})` }, now());
      wake();
      return { dag_id: run.dagId, dag_run_id: run.runId };
    },
    'runs.state': readOnly(async (_job, payload) => {
      const p = RunRef.parse(payload);
      const [row] = await sql.query<{ state: string }>(`SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2`, [p.dagId, p.runId]);
      return row?.state ?? null;
    }),
    /** The state of a task (or, with taskId null, of the run) of another DAG's run at a logical date. */
    'tasks.state': readOnly(async (_job, payload) => {
      const p = TaskRef.parse(payload);
      if (p.taskId === null) {
        const [row] = await sql.query<{ state: string }>(
          `SELECT state FROM dag_run WHERE dag_id = $1 AND logical_date = $2 ORDER BY id DESC LIMIT 1`,
          [p.dagId, p.logicalDate],
        );
        return row?.state ?? null;
      }
      // A mapped task counts as done in a state only when all its instances are in it.
      const rows = await sql.query<{ state: string }>(
        `SELECT DISTINCT ti.state FROM task_instance ti
         JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
         WHERE ti.dag_id = $1 AND ti.task_id = $2 AND r.logical_date = $3`,
        [p.dagId, p.taskId, p.logicalDate],
      );
      return rows.length === 1 ? rows[0]!.state : rows.length === 0 ? null : 'mixed';
    }),
    'assets.latestEvent': readOnly(async (_job, payload) => {
      const p = AssetRef.parse(payload);
      const [row] = await sql.query<{ at: Date | null }>(
        `SELECT max(timestamp) AS at FROM asset_event WHERE uri = $1 AND timestamp > $2`,
        [p.uri, p.after],
      );
      return row?.at?.toISOString() ?? null;
    }),
  };
}
