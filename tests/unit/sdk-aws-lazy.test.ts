// Every DAG file and task runner imports the SDK; the AWS clients take long to load, so only an S3 or Athena call
// may load them, never the SDK's import.
import { expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => [] as string[]);
vi.mock('@aws-sdk/client-s3', () => {
  loaded.push('@aws-sdk/client-s3');
  return {};
});
vi.mock('@aws-sdk/client-athena', () => {
  loaded.push('@aws-sdk/client-athena');
  return {};
});

it('importing the SDK and declaring S3 and Athena tasks loads no AWS client', async () => {
  const sdk = await import('../../lib/sdk/index');
  sdk.s3Upload({ bucket: 'b', key: 'k', data: 'x' });
  sdk.athenaQuery({ query: 'SELECT 1', database: 'd', outputLocation: 's3://out/' });
  expect(typeof sdk.S3Hook).toBe('function');
  expect(loaded).toEqual([]);
  // The mock does see a load, so the empty list above means something.
  await import('@aws-sdk/client-s3');
  expect(loaded).toEqual(['@aws-sdk/client-s3']);
});
