// Execution of the S3 operators (s3.ts) inside a task runner, each one call of the S3Hook.
import path from 'node:path';
import { S3Hook } from '../hooks/s3-hook';
import type { OperatorRun } from './operator-context';
import { poke } from './poke';
import { s3CopySchema, s3DeleteSchema, s3DownloadSchema, s3KeySensorSchema, s3ListSchema, s3UploadSchema, type S3DownloadResult } from './s3';

export const runS3Upload: OperatorRun = async (rawArgs, ctx) => {
  const a = s3UploadSchema.parse(rawArgs);
  const hook = await S3Hook.fromConnection(ctx, a.connId);
  const opts = { replace: a.replace, contentType: a.contentType };
  return a.filename !== undefined
    ? hook.loadFile(a.bucket, a.key, path.resolve(ctx.artifactsDir, a.filename), opts)
    : hook.loadBytes(a.bucket, a.key, a.data ?? '', opts);
};

export const runS3Download: OperatorRun = async (rawArgs, ctx): Promise<S3DownloadResult> => {
  const a = s3DownloadSchema.parse(rawArgs);
  const hook = await S3Hook.fromConnection(ctx, a.connId);
  const target = path.resolve(ctx.artifactsDir, a.filename ?? path.posix.basename(a.key));
  return { path: target, size: await hook.downloadFile(a.bucket, a.key, target) };
};

export const runS3List: OperatorRun = async (rawArgs, ctx) => {
  const a = s3ListSchema.parse(rawArgs);
  const hook = await S3Hook.fromConnection(ctx, a.connId);
  const listed = await hook.listKeys(a.bucket, a.prefix, a.delimiter);
  return a.delimiter ? listed : listed.keys;
};

export const runS3Copy: OperatorRun = async (rawArgs, ctx) => {
  const a = s3CopySchema.parse(rawArgs);
  const hook = await S3Hook.fromConnection(ctx, a.connId);
  return hook.copyObject(a.sourceBucket, a.sourceKey, a.destBucket, a.destKey);
};

export const runS3Delete: OperatorRun = async (rawArgs, ctx) => {
  const a = s3DeleteSchema.parse(rawArgs);
  const hook = await S3Hook.fromConnection(ctx, a.connId);
  return hook.deleteObjects(a.bucket, a.keys);
};

export const runS3KeySensor: OperatorRun = async (rawArgs, ctx) => {
  const a = s3KeySensorSchema.parse(rawArgs);
  const hook = await S3Hook.fromConnection(ctx, a.connId);
  const what = `s3://${a.bucket}/${a.key}`;
  return poke(ctx, { mode: a.mode, intervalMs: a.pokeInterval, timeoutMs: a.timeout, what }, async () =>
    (await hook.checkForKey(a.bucket, a.key)) ? { done: true } : { done: false },
  );
};
