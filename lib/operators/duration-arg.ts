// A duration argument of an operator ('30s', '5m', or milliseconds), checked when the DAG file is imported.
import { z } from 'zod';
import { parseDuration } from '../engine/duration';

export const durationArg = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
