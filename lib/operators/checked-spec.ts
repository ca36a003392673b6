// An operator's task spec from a DAG file's arguments, checked against its schema at import time, so a missing or
// wrong argument is an import error of the file rather than a failure of a run. The camelCase builder name gives
// the registry's kebab-case operator name (`s3KeySensor` → `s3-key-sensor`).
import type { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { formatZodIssues } from '../kernel/zod-issues';

export function checkedSpec<R = unknown>(name: string, schema: z.ZodType, args: unknown): OperatorSpec<R> {
  const parsed = schema.safeParse(args);
  if (!parsed.success) throw new Error(`${name}(): invalid arguments: ${formatZodIssues(parsed.error)}`);
  return { operator: name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), args: parsed.data as Record<string, unknown> };
}
