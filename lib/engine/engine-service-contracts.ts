// The engine's own services for task code: other DAGs' runs and tasks, assets, and XComs of this run. Used by the
// triggerDag operator and the sensors; implemented on the database side by lib/store/engine-services.ts.
import { z } from 'zod';
import { service } from './service-contract';
import { DAG_RUN_STATES } from './task-states';

const dagRunRef = z.object({ dagId: z.string().min(1), runId: z.string().min(1) });

export const dagServiceContracts = {
  /** Creates a run of another DAG (idempotent per run id: an existing run is answered, not duplicated). */
  trigger: service({
    input: z.object({
      dagId: z.string().min(1),
      conf: z.record(z.string(), z.unknown()).optional(),
      runId: z.string().min(1).optional(),
      logicalDate: z.coerce.date().optional(),
    }),
    output: z.object({ dag_id: z.string(), dag_run_id: z.string() }),
  }),
};

export const runServiceContracts = {
  /** The state of a run, or null when there is no such run. */
  state: service({ input: dagRunRef, output: z.enum(DAG_RUN_STATES).nullable(), readOnly: true }),
};

export const taskServiceContracts = {
  /**
   * The result (XCom) of a task of another DAG's run at a logical date (Airflow's xcom_pull with a dag_id), from the
   * latest such run where it succeeded; a mapped task's as the list of its instances' results. Null when none did.
   */
  result: service({
    input: z.object({ dagId: z.string().min(1), taskId: z.string().min(1), logicalDate: z.coerce.date() }),
    output: z.object({ run_id: z.string(), value: z.unknown() }).nullable(),
    readOnly: true,
  }),
  /**
   * The state of a task (or, with taskId null, of the run) of another DAG's run at a logical date; 'mixed' when the
   * instances of a mapped task are in different states; null when there is none.
   */
  state: service({
    input: z.object({ dagId: z.string().min(1), taskId: z.string().min(1).nullable(), logicalDate: z.coerce.date() }),
    output: z.string().nullable(),
    readOnly: true,
  }),
};

/** An asset event as the run it triggered reads it (Airflow's triggering_dataset_events). */
export const triggeringAssetEventSchema = z.object({
  uri: z.string(),
  extra: z.record(z.string(), z.unknown()),
  source_dag_id: z.string().nullable(),
  source_run_id: z.string().nullable(),
  source_task_id: z.string().nullable(),
  source_map_index: z.number().int(),
  timestamp: z.string(),
});
export type TriggeringAssetEvent = z.infer<typeof triggeringAssetEventSchema>;

export const assetServiceContracts = {
  /** The asset events that triggered this run, oldest first; none for a run not triggered by assets. */
  triggeringEvents: service({
    input: z.object({}).strict(),
    output: z.array(triggeringAssetEventSchema),
    readOnly: true,
  }),
  /** When the asset was last updated after `after` (ISO 8601), or null. */
  latestEvent: service({
    input: z.object({ uri: z.string().min(1), after: z.coerce.date() }),
    output: z.string().nullable(),
    readOnly: true,
  }),
};

export const variableServiceContracts = {
  /** A variable's value (FLASHFLOW_VAR_<KEY> first, then the table), or null when it is set nowhere. */
  get: service({ input: z.object({ key: z.string().min(1).max(250) }), output: z.string().nullable(), readOnly: true }),
};

export const xcomServiceContracts = {
  /**
   * One value for a map index; for `null`, the task's value, or the list of a mapped task's values. `perInstance`:
   * a mapped task's list with one entry per instance, null where none was stored (what a downstream input holds).
   */
  pull: service({
    input: z.object({ taskId: z.string().min(1), mapIndex: z.number().int().nullable(), perInstance: z.boolean().optional() }),
    output: z.unknown(),
    readOnly: true,
  }),
};
