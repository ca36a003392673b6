// The `athenaQuery` operator as DAG files use it (Airflow's AthenaOperator): runs a query and waits for it, in
// reschedule mode by default, so a query of an hour holds no slot for that hour (ADR 0022).
//   d.task('count_rows', athenaQuery({ query: 'SELECT …', database: 'logs', outputLocation: 's3://bucket/athena/' }))
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { connIdSchema } from '../connections/connection-model';
import { DEFAULT_AWS_CONN_ID } from '../hooks/aws-connection';
import { checkedSpec } from './checked-spec';
import { pokeArgs } from './sensors';

export const athenaQuerySchema = z
  .object({
    connId: connIdSchema.default(DEFAULT_AWS_CONN_ID),
    query: z.string().trim().min(1),
    database: z.string().min(1),
    outputLocation: z.string().regex(/^s3:\/\/[^/]+/, 'must be an s3:// URL'),
    workgroup: z.string().min(1).optional(),
    ...pokeArgs,
    mode: pokeArgs.mode.removeDefault().default('reschedule'),
    /** How often the query's state is read. */
    pollInterval: pokeArgs.pokeInterval,
  })
  .omit({ pokeInterval: true })
  .strict();

export interface AthenaQueryResult {
  query_execution_id: string;
  /** The s3:// URL of the result file Athena wrote. */
  output_location: string | null;
  /** Rows of the result, without a SELECT's header row. */
  row_count: number;
}

export const athenaQuery = (args: z.input<typeof athenaQuerySchema>): OperatorSpec<AthenaQueryResult> =>
  checkedSpec('athenaQuery', athenaQuerySchema, args);
