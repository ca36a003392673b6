// The S3 operators and S3Hook against s3rver, an S3-compatible server on 127.0.0.1 that the test starts; the
// connection reaches it through `endpoint_url` in its extra, as a MinIO or other S3-compatible server would.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RescheduleTaskError } from '../../lib/engine/task-context';
import { loadOperator } from '../../lib/operators/registry';
import { s3Copy, s3Delete, s3Download, s3KeySensor, s3List, s3Upload } from '../../lib/operators/s3';
import { S3Hook } from '../../lib/hooks/s3-hook';
import { testConnection } from '../../lib/hooks/connection-test';
import { parseConnectionUri } from '../../lib/connections/connection-model';
import { SecretBox } from '../../lib/secrets/secret-box';
import { awsTaskContext, type AwsTaskContext } from '../support/aws-task-context';
import { createTestDb } from '../support/test-db';
import { startConnectionExecutor, taskJob } from './executor-harness';

const BUCKET = 'flashflow-test';
let server: S3rver;
let scratch: string;
let connections: Record<string, string>;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'ff-s3-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(scratch, 'server'), configureBuckets: [{ name: BUCKET }] });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = encodeURIComponent(`http://127.0.0.1:${port}`);
  connections = {
    aws_default: `aws://S3RVER:S3RVER@/?endpoint_url=${endpoint}&s3_force_path_style=true&region_name=eu-west-1`,
    // s3rver checks the key id but not SigV4 signatures: a wrong key id is the bad credential it can refuse.
    aws_wrong_key: `aws://AKIAWRONGKEY:not-the-secret-xyz@/?endpoint_url=${endpoint}&s3_force_path_style=true`,
    not_aws: 'http://example.com',
  };
});

afterAll(async () => {
  await server?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Runs an operator's spec as the task runner would: by its registered name, with its checked arguments. */
async function run(spec: { operator: string; args: Record<string, unknown> }, ctx: AwsTaskContext = awsTaskContext(connections, { artifactsDir: scratch })) {
  const impl = await loadOperator(spec.operator);
  return impl!(spec.args, ctx);
}

describe('S3 operators', () => {
  it('uploads text, lists it, copies it, downloads the copy and deletes both', async () => {
    expect(await run(s3Upload({ bucket: BUCKET, key: 'in/words.txt', data: 'chat\npomme\n' }))).toBe(`s3://${BUCKET}/in/words.txt`);
    await writeFile(path.join(scratch, 'local.csv'), 'a,b\n1,2\n');
    expect(await run(s3Upload({ bucket: BUCKET, key: 'in/data.csv', filename: path.join(scratch, 'local.csv') }))).toBe(`s3://${BUCKET}/in/data.csv`);

    expect(await run(s3List({ bucket: BUCKET, prefix: 'in/' }))).toEqual(['in/data.csv', 'in/words.txt']);
    expect(await run(s3Copy({ sourceBucket: BUCKET, sourceKey: 'in/words.txt', destBucket: BUCKET, destKey: 'out/copy of words.txt' }))).toBe(`s3://${BUCKET}/out/copy of words.txt`);
    expect(await run(s3List({ bucket: BUCKET, delimiter: '/' }))).toEqual({ keys: [], prefixes: ['in/', 'out/'] });

    const downloaded = await run(s3Download({ bucket: BUCKET, key: 'out/copy of words.txt' }));
    expect(downloaded).toEqual({ path: path.join(scratch, 'copy of words.txt'), size: 11 });
    expect(await readFile(path.join(scratch, 'copy of words.txt'), 'utf8')).toBe('chat\npomme\n');

    expect(await run(s3Delete({ bucket: BUCKET, keys: ['in/words.txt', 'out/copy of words.txt'] }))).toBe(2);
    expect(await run(s3List({ bucket: BUCKET }))).toEqual(['in/data.csv']);
  });

  it('refuses to overwrite an existing key unless replace is set', async () => {
    await run(s3Upload({ bucket: BUCKET, key: 'once.txt', data: 'one' }));
    await expect(run(s3Upload({ bucket: BUCKET, key: 'once.txt', data: 'two' }))).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringContaining('the key exists; pass replace: true'),
    });
    await run(s3Upload({ bucket: BUCKET, key: 'once.txt', data: 'two', replace: true }));
    const hook = await S3Hook.fromConnection(awsTaskContext(connections));
    expect(await hook.readKey(BUCKET, 'once.txt')).toBe('two');
  });

  it('key sensor in reschedule mode gives its slot back until the key appears', async () => {
    const sensor = s3KeySensor({ bucket: BUCKET, key: 'later/ready.flag', mode: 'reschedule', pokeInterval: '5m', timeout: '1h' });
    const first = awsTaskContext(connections);
    const waiting = await run(sensor, first).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(RescheduleTaskError);
    expect((waiting as RescheduleTaskError).rescheduleAt).toEqual(new Date('2026-12-01T00:05:00Z'));
    expect(first.lines.at(-1)).toContain(`still waiting for s3://${BUCKET}/later/ready.flag`);

    await run(s3Upload({ bucket: BUCKET, key: 'later/ready.flag', data: '' }));
    expect(await run(sensor, awsTaskContext(connections, { firstPokeAt: new Date('2026-12-01T00:00:00Z') }))).toBe(true);
  });

  it('key sensor fails without retry once its timeout has passed', async () => {
    const ctx = awsTaskContext(connections, { firstPokeAt: new Date('2026-11-30T23:00:00Z') });
    await expect(run(s3KeySensor({ bucket: BUCKET, key: 'never', mode: 'reschedule', pokeInterval: '5m', timeout: '1h' }), ctx))
      .rejects.toMatchObject({ name: 'NonRetriableError', message: expect.stringContaining('sensor timed out') });
  });
});

describe('S3 bad input', () => {
  it('a missing required argument is an error when the DAG file is imported', () => {
    expect(() => s3Upload({ bucket: BUCKET } as never)).toThrow(/^s3Upload\(\): invalid arguments: .*key/);
    expect(() => s3Upload({ bucket: BUCKET, key: 'k' })).toThrow(/exactly one of data and filename/);
    expect(() => s3KeySensor({ key: 'k' } as never)).toThrow(/^s3KeySensor\(\): invalid arguments: .*bucket/);
  });

  it('a missing connection, a connection of another type and a missing bucket fail the task clearly, without retry', async () => {
    await expect(run(s3List({ connId: 'nowhere', bucket: BUCKET }))).rejects.toMatchObject({
      name: 'NonRetriableError', message: "connection 'nowhere' is not defined: create it (UI, API or CLI) or set FLASHFLOW_CONN_NOWHERE",
    });
    await expect(run(s3List({ connId: 'not_aws', bucket: BUCKET }))).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringContaining("has conn_type 'http'; AWS hooks need an 'aws' connection"),
    });
    await expect(run(s3List({ bucket: 'no-such-bucket' }))).rejects.toMatchObject({
      name: 'NonRetriableError', message: expect.stringContaining("S3 list of s3://no-such-bucket/ (connection 'aws_default') failed: NoSuchBucket"),
    });
  });

  it('bad credentials fail without retry and the message never holds the secret', async () => {
    const error = (await run(s3List({ connId: 'aws_wrong_key', bucket: BUCKET })).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ name: 'NonRetriableError', message: expect.stringContaining("(connection 'aws_wrong_key') failed: InvalidAccessKeyId") });
    expect(JSON.stringify({ message: error.message, stack: error.stack, cause: error.cause })).not.toContain('not-the-secret-xyz');
  });
});

describe('connections test of an aws connection', () => {
  it('answers with the endpoint and the bucket count of ListBuckets', async () => {
    expect(await testConnection(parseConnectionUri('aws_default', connections.aws_default!))).toEqual({
      status: true,
      message: expect.stringMatching(/^Connection successfully tested: S3 at http:\/\/127\.0\.0\.1:\d+ answered ListBuckets \(1 bucket\)\.$/),
    });
  });

  it('reports wrong credentials and an unreachable endpoint without the secret', async () => {
    const wrong = await testConnection(parseConnectionUri('aws_wrong_key', connections.aws_wrong_key!));
    expect(wrong).toEqual({ status: false, message: expect.stringContaining("S3 ListBuckets (connection 'aws_wrong_key') failed: InvalidAccessKeyId") });
    expect(wrong.message).not.toContain('not-the-secret-xyz');
    // Port 1 on the loopback: nothing listens, so the connection is refused at once.
    const nowhere = await testConnection(parseConnectionUri('aws_nowhere', 'aws://AKIANOWHERE:not-the-secret-xyz@/?endpoint_url=http%3A%2F%2F127.0.0.1%3A1&s3_force_path_style=true'));
    expect(nowhere).toEqual({ status: false, message: expect.stringMatching(/^S3 ListBuckets \(connection 'aws_nowhere'\) failed: .*ECONNREFUSED 127\.0\.0\.1:1/) });
    expect(nowhere.message).not.toContain('not-the-secret-xyz');
  });
});

describe('S3 tasks in a task runner', () => {
  it('upload and list succeed with aws_default from FLASHFLOW_CONN_AWS_DEFAULT; the sensor ends its poke asking for a reschedule', async () => {
    const db = await createTestDb();
    const { executor, recorder } = await startConnectionExecutor(db, new SecretBox([randomBytes(32)]), { FLASHFLOW_CONN_AWS_DEFAULT: connections.aws_default! });
    try {
      const fileloc = fileURLToPath(new URL('../fixtures/workflows/s3-operators.ts', import.meta.url));
      const job = (taskId: string) => taskJob(taskId, { dagId: 's3_operators', fileloc });
      expect((await recorder.run(job('upload'))).finished.outcome).toEqual({ status: 'success', xcom: `s3://${BUCKET}/runner/hello.txt` });
      expect((await recorder.run(job('list'))).finished.outcome).toEqual({ status: 'success', xcom: ['runner/hello.txt'] });
      expect((await recorder.run(job('wait_for_flag'))).finished.outcome).toMatchObject({ status: 'reschedule' });
    } finally {
      await executor.stop();
      await db.close();
    }
  });
});
