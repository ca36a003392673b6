// The database side of the engine's services (engine-service-contracts.ts): triggering another DAG, and reading the
// state of runs, tasks, assets and this run's XComs for the triggerDag operator, the sensors and ctx.xcomPull.
import type { ServiceImplementations } from '../engine/service-contract';
import type {
  assetServiceContracts,
  dagServiceContracts,
  runServiceContracts,
  taskServiceContracts,
  xcomServiceContracts,
} from '../engine/engine-service-contracts';
import type { TriggeringAssetEvent } from '../engine/engine-service-contracts';
import type { DagRunState } from '../engine/task-states';
import type { SqlClient } from './database';
import { triggerDagRun } from './trigger-dag-run';

export interface EngineServiceImplementations {
  assets: ServiceImplementations<typeof assetServiceContracts>;
  dags: ServiceImplementations<typeof dagServiceContracts>;
  runs: ServiceImplementations<typeof runServiceContracts>;
  tasks: ServiceImplementations<typeof taskServiceContracts>;
  xcom: ServiceImplementations<typeof xcomServiceContracts>;
}

/** `wake` tells the scheduler about new work (a triggered run). */
export function engineServices(sql: SqlClient, now: () => Date, wake: () => void): EngineServiceImplementations {
  return {
    dags: {
      trigger: async (job, input) => {
        const run = await triggerDagRun(sql, { ...input, note: `triggered by ${job.dagId}.${job.taskId} (${job.runId})` }, now());
        wake();
        return { dag_id: run.dagId, dag_run_id: run.runId };
      },
    },
    runs: {
      state: async (_job, input) => {
        const [row] = await sql.query<{ state: DagRunState }>(`SELECT state FROM dag_run WHERE dag_id = $1 AND run_id = $2`, [input.dagId, input.runId]);
        return row?.state ?? null;
      },
    },
    tasks: {
      result: async (_job, input) => {
        const rows = await sql.query<{ run_id: string; map_index: number; value: unknown }>(
          `WITH run AS (
             SELECT r.run_id FROM dag_run r
             WHERE r.dag_id = $1 AND r.logical_date = $3
               AND EXISTS (SELECT 1 FROM task_instance ti WHERE ti.dag_id = r.dag_id AND ti.run_id = r.run_id
                             AND ti.task_id = $2 AND ti.state = 'success')
             ORDER BY r.id DESC LIMIT 1
           )
           SELECT x.run_id, x.map_index, x.value FROM xcom x JOIN run ON run.run_id = x.run_id
           WHERE x.dag_id = $1 AND x.task_id = $2 AND x.key = 'return_value' ORDER BY x.map_index`,
          [input.dagId, input.taskId, input.logicalDate],
        );
        if (rows.length === 0) return null;
        const value = rows.length === 1 && rows[0]!.map_index === -1 ? rows[0]!.value : rows.map((r) => r.value);
        return { run_id: rows[0]!.run_id, value };
      },
      state: async (_job, input) => {
        if (input.taskId === null) {
          const [row] = await sql.query<{ state: string }>(
            `SELECT state FROM dag_run WHERE dag_id = $1 AND logical_date = $2 ORDER BY id DESC LIMIT 1`,
            [input.dagId, input.logicalDate],
          );
          return row?.state ?? null;
        }
        // A mapped task counts as done in a state only when all its instances are in it.
        const rows = await sql.query<{ state: string }>(
          `SELECT DISTINCT ti.state FROM task_instance ti
           JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id
           WHERE ti.dag_id = $1 AND ti.task_id = $2 AND r.logical_date = $3`,
          [input.dagId, input.taskId, input.logicalDate],
        );
        return rows.length === 1 ? rows[0]!.state : rows.length === 0 ? null : 'mixed';
      },
    },
    assets: {
      triggeringEvents: async (job) => {
        const rows = await sql.query<TriggeringAssetEvent & { timestamp: Date }>(
          `SELECT e.uri, e.extra, e.source_dag_id, e.source_run_id, e.source_task_id, e.source_map_index, e.timestamp
           FROM dag_run r JOIN dag_run_asset_event l ON l.dag_run_id = r.id JOIN asset_event e ON e.id = l.event_id
           WHERE r.dag_id = $1 AND r.run_id = $2 ORDER BY e.timestamp, e.id`,
          [job.dagId, job.runId],
        );
        return rows.map((r) => ({ ...r, timestamp: r.timestamp.toISOString() }));
      },
      latestEvent: async (_job, input) => {
        const [row] = await sql.query<{ at: Date | null }>(
          `SELECT max(timestamp) AS at FROM asset_event WHERE uri = $1 AND timestamp > $2`,
          [input.uri, input.after],
        );
        return row?.at?.toISOString() ?? null;
      },
    },
    xcom: {
      pull: async (job, input) => {
        if (input.perInstance && input.mapIndex === null) return resultsPerInstance(sql, job, input.taskId);
        const rows = await sql.query<{ map_index: number; value: unknown }>(
          `SELECT map_index, value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND task_id = $3 AND key = 'return_value'
             AND ($4::int IS NULL OR map_index = $4::int)
           ORDER BY map_index`,
          [job.dagId, job.runId, input.taskId, input.mapIndex],
        );
        if (input.mapIndex !== null) return rows[0]?.value ?? null;
        if (rows.length === 1 && rows[0]!.map_index === -1) return rows[0]!.value;
        return rows.length ? rows.map((r) => r.value) : null;
      },
    },
  };
}

/** A mapped task's results as its downstream's input holds them: one per instance, null where none was stored. */
async function resultsPerInstance(sql: SqlClient, run: { dagId: string; runId: string }, taskId: string): Promise<unknown[]> {
  const rows = await sql.query<{ value: unknown }>(
    `SELECT x.value FROM task_instance ti
     LEFT JOIN xcom x ON x.dag_id = ti.dag_id AND x.run_id = ti.run_id AND x.task_id = ti.task_id
       AND x.map_index = ti.map_index AND x.key = 'return_value'
     WHERE ti.dag_id = $1 AND ti.run_id = $2 AND ti.task_id = $3 AND ti.map_index >= 0
     ORDER BY ti.map_index`,
    [run.dagId, run.runId, taskId],
  );
  return rows.map((r) => r.value ?? null);
}
