// Airflow's S3Hook on @aws-sdk/client-s3, built from an `aws` connection (aws-connection.ts). The SDK is imported
// on the first call, not with this module: every DAG file imports the SDK that exports this class.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Connection } from '../connections/connection-model';
import { NonRetriableError } from '../engine/task-context';
import { awsClientConfig, awsError, DEFAULT_AWS_CONN_ID } from './aws-connection';
import { fetchConnection, type HookContext } from './hook-context';

type S3Sdk = typeof import('@aws-sdk/client-s3');

export class S3Hook {
  private client: Promise<{ sdk: S3Sdk; client: S3Client }> | null = null;

  constructor(
    readonly conn: Connection,
    private readonly ctx: Pick<HookContext, 'signal' | 'log'>,
  ) {
    // Checked now so a wrong connection type fails before the SDK loads.
    awsClientConfig(conn);
  }

  static async fromConnection(ctx: HookContext, connId = DEFAULT_AWS_CONN_ID): Promise<S3Hook> {
    return new S3Hook(await fetchConnection(ctx, connId), ctx);
  }

  /** Uploads text or bytes; refuses to overwrite an existing key unless `replace`. Returns the object's s3:// URL. */
  async loadBytes(bucket: string, key: string, body: string | Uint8Array, opts: { replace?: boolean; contentType?: string } = {}): Promise<string> {
    return this.put(bucket, key, () => body, opts, Buffer.byteLength(body));
  }

  async loadFile(bucket: string, key: string, filename: string, opts: { replace?: boolean; contentType?: string } = {}): Promise<string> {
    const { size } = await stat(filename);
    return this.put(bucket, key, () => createReadStream(filename), opts, size);
  }

  /** Writes the object to `filename` (its folder created); returns its size in bytes. */
  async downloadFile(bucket: string, key: string, filename: string): Promise<number> {
    return this.call(`S3 download of ${url(bucket, key)}`, async ({ sdk, client }) => {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: this.ctx.signal });
      await mkdir(path.dirname(filename), { recursive: true });
      await pipeline(out.Body as Readable, createWriteStream(filename), { signal: this.ctx.signal });
      const { size } = await stat(filename);
      this.ctx.log.info('downloaded %s to %s (%d bytes)', url(bucket, key), filename, size);
      return size;
    });
  }

  async readKey(bucket: string, key: string): Promise<string> {
    return this.call(`S3 read of ${url(bucket, key)}`, async ({ sdk, client }) => {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: this.ctx.signal });
      return out.Body!.transformToString();
    });
  }

  /** Every key under `prefix` (all pages); with a delimiter, the common prefixes too, as Airflow's list_keys/list_prefixes. */
  async listKeys(bucket: string, prefix = '', delimiter?: string): Promise<{ keys: string[]; prefixes: string[] }> {
    return this.call(`S3 list of ${url(bucket, prefix)}`, async ({ sdk, client }) => {
      const keys: string[] = [];
      const prefixes: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, Delimiter: delimiter, ContinuationToken: token }),
          { abortSignal: this.ctx.signal },
        );
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) prefixes.push(p.Prefix);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return { keys, prefixes };
    });
  }

  /** The buckets the credentials may list: the cheapest authenticated call, which `connections test` makes. */
  async listBuckets(): Promise<string[]> {
    return this.call('S3 ListBuckets', async ({ sdk, client }) => {
      const out = await client.send(new sdk.ListBucketsCommand({}), { abortSignal: this.ctx.signal });
      return (out.Buckets ?? []).flatMap((b) => (b.Name === undefined ? [] : [b.Name]));
    });
  }

  /** True when the key exists; a 404 is an answer here, not an error. */
  async checkForKey(bucket: string, key: string): Promise<boolean> {
    return this.call(`S3 check of ${url(bucket, key)}`, async ({ sdk, client }) => {
      try {
        await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: this.ctx.signal });
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw error;
      }
    });
  }

  async copyObject(sourceBucket: string, sourceKey: string, destBucket: string, destKey: string): Promise<string> {
    const what = `S3 copy of ${url(sourceBucket, sourceKey)} to ${url(destBucket, destKey)}`;
    return this.call(what, async ({ sdk, client }) => {
      const source = `${sourceBucket}/${sourceKey.split('/').map(encodeURIComponent).join('/')}`;
      await client.send(new sdk.CopyObjectCommand({ CopySource: source, Bucket: destBucket, Key: destKey }), { abortSignal: this.ctx.signal });
      this.ctx.log.info('%s done', what);
      return url(destBucket, destKey);
    });
  }

  /** Deletes the keys (1000 per request, S3's limit); a key that does not exist counts as deleted, as in S3. */
  async deleteObjects(bucket: string, keys: readonly string[]): Promise<number> {
    return this.call(`S3 delete in s3://${bucket}`, async ({ sdk, client }) => {
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
        const out = await client.send(new sdk.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }), { abortSignal: this.ctx.signal });
        const failed = out.Errors ?? [];
        if (failed.length > 0) throw new Error(failed.map((e) => `${e.Key}: ${e.Code} ${e.Message ?? ''}`.trim()).join('; '));
      }
      this.ctx.log.info('deleted %d key(s) in s3://%s', keys.length, bucket);
      return keys.length;
    });
  }

  private async put(bucket: string, key: string, body: () => string | Uint8Array | Readable, opts: { replace?: boolean; contentType?: string }, size: number): Promise<string> {
    if (!opts.replace && (await this.checkForKey(bucket, key))) {
      throw new NonRetriableError(`S3 upload to ${url(bucket, key)}: the key exists; pass replace: true to overwrite it`);
    }
    return this.call(`S3 upload to ${url(bucket, key)}`, async ({ sdk, client }) => {
      await client.send(
        new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body(), ContentLength: size, ContentType: opts.contentType }),
        { abortSignal: this.ctx.signal },
      );
      this.ctx.log.info('uploaded %d bytes to %s', size, url(bucket, key));
      return url(bucket, key);
    });
  }

  private async call<T>(what: string, fn: (s3: { sdk: S3Sdk; client: S3Client }) => Promise<T>): Promise<T> {
    this.client ??= import('@aws-sdk/client-s3').then((sdk) => ({ sdk, client: new sdk.S3Client(awsClientConfig(this.conn)) }));
    try {
      return await fn(await this.client);
    } catch (error) {
      if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
      throw awsError(what, this.conn.conn_id, error);
    }
  }
}

function url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
