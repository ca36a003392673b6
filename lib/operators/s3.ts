// The S3 operators as DAG files use them (Airflow's S3CreateObjectOperator / LocalFilesystemToS3Operator,
// S3ToLocal, S3ListOperator, S3CopyObjectOperator, S3DeleteObjectsOperator, S3KeySensor). Each names an `aws`
// connection (default `aws_default`); arguments are checked when the DAG file is imported.
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { connIdSchema } from '../connections/connection-model';
import { checkedSpec } from './checked-spec';
import { DEFAULT_AWS_CONN_ID } from '../hooks/aws-connection';
import { pokeArgs } from './sensors';

const connId = connIdSchema.default(DEFAULT_AWS_CONN_ID);
const bucket = z.string().min(1);
const key = z.string().min(1);

export const s3UploadSchema = z
  .object({
    connId,
    bucket,
    key,
    /** The object's content as text; or `filename`, a local file. */
    data: z.string().optional(),
    filename: z.string().min(1).optional(),
    /** Overwrite an existing key; default false, so a rerun does not silently replace what is there. */
    replace: z.boolean().default(false),
    contentType: z.string().optional(),
  })
  .strict()
  .refine((a) => (a.data === undefined) !== (a.filename === undefined), 'give exactly one of data and filename');

export const s3DownloadSchema = z
  .object({
    connId,
    bucket,
    key,
    /** Where to write it; relative paths are under the task's artifacts folder; default its file name there. */
    filename: z.string().min(1).optional(),
  })
  .strict();

export const s3ListSchema = z
  .object({ connId, bucket, prefix: z.string().default(''), delimiter: z.string().min(1).optional() })
  .strict();

export const s3CopySchema = z
  .object({ connId, sourceBucket: bucket, sourceKey: key, destBucket: bucket, destKey: key })
  .strict();

export const s3DeleteSchema = z.object({ connId, bucket, keys: z.array(key).min(1) }).strict();

export const s3KeySensorSchema = z.object({ connId, bucket, key, ...pokeArgs }).strict();

export interface S3DownloadResult {
  path: string;
  size: number;
}
export interface S3ListResult {
  keys: string[];
  prefixes: string[];
}

/** Puts `data` or a local file at s3://bucket/key; the XCom is that URL. */
export const s3Upload = (args: z.input<typeof s3UploadSchema>): OperatorSpec<string> => checkedSpec('s3Upload', s3UploadSchema, args);
/** Writes the object to a local file; the XCom is `{ path, size }`. */
export const s3Download = (args: z.input<typeof s3DownloadSchema>): OperatorSpec<S3DownloadResult> => checkedSpec('s3Download', s3DownloadSchema, args);
/** The XCom is the list of keys under `prefix` (with a delimiter, the common prefixes as well: `{ keys, prefixes }`). */
export const s3List = (args: z.input<typeof s3ListSchema>): OperatorSpec<string[] | S3ListResult> => checkedSpec('s3List', s3ListSchema, args);
export const s3Copy = (args: z.input<typeof s3CopySchema>): OperatorSpec<string> => checkedSpec('s3Copy', s3CopySchema, args);
/** The XCom is the number of keys deleted. */
export const s3Delete = (args: z.input<typeof s3DeleteSchema>): OperatorSpec<number> => checkedSpec('s3Delete', s3DeleteSchema, args);
/** Waits until s3://bucket/key exists; use `mode: 'reschedule'` for long waits (ADR 0022). */
export const s3KeySensor = (args: z.input<typeof s3KeySensorSchema>): OperatorSpec<true> => checkedSpec('s3KeySensor', s3KeySensorSchema, args);
