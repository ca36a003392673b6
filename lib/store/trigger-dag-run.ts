// A manual (or API / CLI) trigger: checks the DAG and its conf, then creates a queued run that the
// scheduler picks up. The caller wakes the scheduler (in process, or NOTIFY across processes).
import type { SerializedDag } from '../engine/dag-model';
import { ConflictError, InvalidInputError, NotFoundError } from '../kernel/errors';
import type { RunKey } from '../engine/run-store-port';
import { validateConf } from '../engine/validate-conf';
import type { SqlClient } from './database';
import { createRun } from './run-store/run-queries';

/** Airflow's run id rule. */
const RUN_ID_PATTERN = /^[A-Za-z0-9_.~:+-]{1,250}$/;

export interface TriggerInput {
  dagId: string;
  conf?: Record<string, unknown>;
  runId?: string;
  logicalDate?: Date;
  note?: string | null;
  runType?: 'manual' | 'asset_triggered' | 'backfill';
}

export async function triggerDagRun(sql: SqlClient, input: TriggerInput, now: Date): Promise<RunKey> {
  const [row] = await sql.query<{ serialized: SerializedDag }>(
    `SELECT serialized FROM dag WHERE dag_id = $1 AND is_active`,
    [input.dagId],
  );
  if (!row) throw new NotFoundError(`DAG '${input.dagId}' not found`);
  const conf = validateConf(row.serialized, input.conf ?? {});
  const logicalDate = input.logicalDate ?? now;
  const runType = input.runType ?? 'manual';
  const runId = input.runId ?? `${runType}__${logicalDate.toISOString()}`;
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new InvalidInputError(`dag_run_id '${runId}' is invalid`, [{ path: 'dag_run_id', message: 'use letters, digits and _ . ~ : + - (at most 250)' }]);
  }
  const created = await createRun(
    sql,
    { dagId: input.dagId, runId, runType, logicalDate, dataIntervalStart: logicalDate, dataIntervalEnd: logicalDate, conf, externalTrigger: true, note: input.note ?? null },
    row.serialized,
    now,
  );
  if (!created) throw new ConflictError(`DAG run '${runId}' already exists for DAG '${input.dagId}'`);
  return { dagId: input.dagId, runId };
}
