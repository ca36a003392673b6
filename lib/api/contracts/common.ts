// Building blocks shared by the endpoint contracts: date-times, query booleans, paging, the problem body.
import { z } from 'zod';

/** A date-time the server writes (ISO 8601, UTC). */
export const DateTime = z.string().meta({ format: 'date-time' });
export const NullableDateTime = DateTime.nullable();

const ISO_DATE_TIME = z.iso.datetime({ offset: true });

/** A date-time the client sends: ISO 8601 with `Z` or an offset, parsed to a Date. */
export const DateTimeParam = z
  .string()
  .refine((s) => ISO_DATE_TIME.safeParse(s).success, 'expected an ISO 8601 date-time such as 2024-01-31T12:00:00Z')
  .transform((s) => new Date(s))
  .meta({ format: 'date-time' });

/** Query filters on a date-time range. */
export const atOrAfter = (what: string) =>
  DateTimeParam.optional().meta({ format: 'date-time', description: `Only those whose ${what} is at or after this.` });
export const atOrBefore = (what: string) =>
  DateTimeParam.optional().meta({ format: 'date-time', description: `Only those whose ${what} is at or before this.` });

/** `true`/`false` (also 1/0, yes/no) in a query string. */
export const QueryBool = z.stringbool().meta({ type: 'boolean' });

/** A repeated query parameter (`?state=a&state=b`); api-route.ts collects the repetitions into an array. */
export const repeated = <T extends z.ZodType>(item: T) => z.array(item).optional();

/** Airflow's maximum_page_limit; larger limits are lowered to it, as Airflow does. */
export const MAX_PAGE_LIMIT = 1000;

export const Paging = {
  limit: z.coerce
    .number()
    .int()
    .min(0)
    .default(100)
    .transform((v) => Math.min(v, MAX_PAGE_LIMIT))
    .meta({ description: `The number of items to return (at most ${MAX_PAGE_LIMIT}).` }),
  offset: z.coerce.number().int().min(0).default(0).meta({ description: 'The number of items to skip before the first one returned.' }),
};

export const OrderBy = {
  order_by: z
    .string()
    .optional()
    .meta({ description: 'The field to order by; prefix it with `-` for descending order.' }),
};

/** Path segments that are numbers in Airflow's API (map_index, try number, ids). */
export const PathInt = z.coerce.number().int();

/** RFC 7807 problem, with Airflow's `type` URIs; `fields` names each offending input field. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error', description: 'RFC 7807 problem details.' });

export const Conf = z.record(z.string(), z.unknown());

export function collection<K extends string, T extends z.ZodType>(key: K, item: T, id: string) {
  return z
    .object({ [key]: z.array(item), total_entries: z.number().int() } as { [P in K]: z.ZodArray<T> } & { total_entries: z.ZodNumber })
    .meta({ id });
}
