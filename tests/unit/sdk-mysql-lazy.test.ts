// Every DAG file and task runner imports the SDK; only a MySQL task's run may load mysql2, never the SDK's import.
import { expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => [] as string[]);
vi.mock('mysql2', () => {
  loaded.push('mysql2');
  return {};
});

it('importing the SDK and declaring a mysql task loads no MySQL driver', async () => {
  const sdk = await import('../../lib/sdk/index');
  sdk.mysql({ connId: 'shop', sql: 'SELECT 1' });
  expect(typeof sdk.MySqlHook).toBe('function');
  expect(loaded).toEqual([]);
  // The mock does see a load, so the empty list above means something.
  await import('mysql2');
  expect(loaded).toEqual(['mysql2']);
});
