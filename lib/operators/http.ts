// The `http` operator as DAG files use it (Airflow's HttpOperator):
//   d.task('fetch', http({ connId: 'weather_api', method: 'GET', endpoint: 'v1/today', data: { city: 'Paris' } }))
// The response body (JSON parsed) is the XCom. Arguments are checked when the DAG file is imported.
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { connIdSchema } from '../connections/connection-model';
import { formatZodIssues } from '../kernel/zod-issues';

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const httpArgsSchema = z
  .object({
    connId: connIdSchema,
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])),
    /** Path relative to the connection's base URL ('' for the base URL itself). */
    endpoint: z
      .string()
      .refine((e) => !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(e), 'must be a path relative to the connection, not an absolute URL'),
    /** GET/HEAD: query parameters; other methods: the body (JSON unless a string). */
    data: jsonValue.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Statuses that count as success (default any 2xx); Airflow's response_check, as data. */
    responseCheck: z.array(z.number().int().min(100).max(599)).min(1).optional(),
    /** How the body becomes the XCom; default JSON when the response says it is JSON, else text. */
    responseFilter: z.enum(['json', 'text']).optional(),
    /** Per request; default the connection's `extra.timeout` (seconds) or 60 s. */
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export type HttpArgs = z.input<typeof httpArgsSchema>;

export function http(args: HttpArgs): OperatorSpec {
  const parsed = httpArgsSchema.safeParse(args);
  if (!parsed.success) throw new Error(`http(): invalid arguments: ${formatZodIssues(parsed.error)}`);
  return { operator: 'http', args: parsed.data };
}
