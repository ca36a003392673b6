// Drift of a batch of flowers against the reference set, feature by feature: a feature has drifted when the KS
// test rejects "same distribution" at the chosen p-value or its PSI passes the chosen threshold. The result is what
// data_drift_detection records and what its asset event carries to retrain_on_drift.
import { z } from 'zod';
import { ksTwoSample, populationStabilityIndex } from './drift-tests';
import { FEATURES, type Flower } from './iris-csv';

export const driftThresholdsSchema = z.object({
  /** A KS p-value below this means the feature drifted. */
  ks_p_value: z.number().gt(0).lt(1),
  /** A PSI above this means the feature drifted (0.25 is the usual "major shift"). */
  psi: z.number().gt(0).max(10),
});
export type DriftThresholds = z.infer<typeof driftThresholdsSchema>;

export const featureDriftSchema = z.object({
  feature: z.enum(FEATURES),
  ks_statistic: z.number(),
  ks_p_value: z.number(),
  psi: z.number(),
  drifted: z.boolean(),
});

export const driftReportSchema = z.object({
  drift: z.boolean(),
  drifted_features: z.array(z.enum(FEATURES)),
  features: z.array(featureDriftSchema),
  thresholds: driftThresholdsSchema,
  reference_size: z.number().int(),
  batch_size: z.number().int(),
});
export type DriftReport = z.infer<typeof driftReportSchema>;

const round = (x: number) => Number(x.toPrecision(4));

export function detectFeatureDrift(reference: Flower[], batch: Flower[], thresholds: DriftThresholds): DriftReport {
  const features = FEATURES.map((feature, k) => {
    const ks = ksTwoSample(reference.map((f) => f.features[k]!), batch.map((f) => f.features[k]!));
    const psi = populationStabilityIndex(reference.map((f) => f.features[k]!), batch.map((f) => f.features[k]!));
    const drifted = ks.pValue < thresholds.ks_p_value || psi > thresholds.psi;
    return { feature, ks_statistic: round(ks.statistic), ks_p_value: round(ks.pValue), psi: round(psi), drifted };
  });
  const driftedFeatures = features.filter((f) => f.drifted).map((f) => f.feature);
  return {
    drift: driftedFeatures.length > 0,
    drifted_features: driftedFeatures,
    features,
    thresholds,
    reference_size: reference.length,
    batch_size: batch.length,
  };
}
