// Sensors as DAG files use them: wait for another DAG's task (or run), for an asset update, or for a time.
// Each pokes every `pokeInterval` until done or `timeout` (then fails without retrying), holding its slot between
// pokes (`mode: 'poke'`, for short waits) or giving it back until the next one (`mode: 'reschedule'`, ADR 0022).
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { durationArg } from './duration-arg';
import { SENSOR_MODES } from './poke';
import { checkedSpec } from './checked-spec';

/** The arguments every sensor takes (S3's and Athena's too). */
export const pokeArgs = {
  mode: z.enum(SENSOR_MODES).default('poke'),
  pokeInterval: durationArg.default(30_000),
  /** Counted from the first poke of the try, across its reschedules. */
  timeout: durationArg.default(7 * 86_400_000),
};

export const externalTaskSensorSchema = z.object({
  externalDagId: z.string().min(1),
  /** null: wait for the whole run of that DAG. */
  externalTaskId: z.string().min(1).nullable().default(null),
  /** Shift from this run's logical date to the other DAG's (e.g. -1h when it runs an hour earlier). */
  executionDelta: durationArg.default(0),
  allowedStates: z.array(z.string()).default(['success']),
  failedStates: z.array(z.string()).default(['failed', 'upstream_failed']),
  ...pokeArgs,
}).strict();

export const assetSensorSchema = z.object({ uri: z.string().min(1), ...pokeArgs }).strict();

export const timeDeltaSensorSchema = z.object({
  /** Waits until the run's data interval end plus this much. */
  delta: durationArg,
  ...pokeArgs,
}).strict();

/** Waits until a task (or the run) of another DAG, at the same logical date, reaches an allowed state. */
export function externalTaskSensor(args: z.input<typeof externalTaskSensorSchema>): OperatorSpec {
  return checkedSpec('externalTaskSensor', externalTaskSensorSchema, args);
}

/** Waits until the asset is updated after this run's data interval started. */
export function assetSensor(args: z.input<typeof assetSensorSchema>): OperatorSpec {
  return checkedSpec('assetSensor', assetSensorSchema, args);
}

export function timeDeltaSensor(args: z.input<typeof timeDeltaSensorSchema>): OperatorSpec {
  return checkedSpec('timeDeltaSensor', timeDeltaSensorSchema, args);
}
