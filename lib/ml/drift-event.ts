// What an update of asset `iris/drift` carries from data_drift_detection to retrain_on_drift: where the drifted
// batch and the reference are, and the statistics that found the drift. One schema on both sides, so a change to
// the producer that the consumer cannot read fails loudly at the consumer.
import { z } from 'zod';
import { driftReportSchema } from './feature-drift';

export const IRIS_DRIFT_ASSET = 'iris/drift';

export const driftEventSchema = z.object({
  batch: z.string(),
  batch_path: z.string(),
  reference_path: z.string(),
  detected_in_run: z.string(),
  statistics: driftReportSchema,
});
