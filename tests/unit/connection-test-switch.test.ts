// FLASHFLOW_TEST_CONNECTION, Airflow's [core] test_connection: on by default for Op users, and a deployment can
// switch it off, after which both the API and the page's button refuse with 403 before reaching any host.
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../lib/api/api-route';
import { testConnectionFromApi, testStoredConnection } from '../../lib/api/handlers/connections';
import { ForbiddenError } from '../../lib/kernel/errors';
import { loadConfig } from '../../lib/runtime/config';

describe('FLASHFLOW_TEST_CONNECTION', () => {
  it('is Enabled by default and accepts Disabled, refusing anything else', () => {
    expect(loadConfig({}, '/tmp').testConnection).toBe(true);
    expect(loadConfig({ FLASHFLOW_TEST_CONNECTION: 'Disabled' }, '/tmp').testConnection).toBe(false);
    expect(() => loadConfig({ FLASHFLOW_TEST_CONNECTION: 'off' }, '/tmp')).toThrow(/FLASHFLOW_TEST_CONNECTION/);
  });

  it('when Disabled, refuses with 403 problem+json without trying the connection', async () => {
    const rt = { config: { testConnection: false } };
    const body = { connection_id: 'x', conn_type: 'http', host: '127.0.0.1', port: 9 } as never;
    const err = await testConnectionFromApi(rt as never, body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    const res = errorResponse(err);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/FLASHFLOW_TEST_CONNECTION=Disabled/);
    await expect(testStoredConnection(rt as never, 'x')).rejects.toBeInstanceOf(ForbiddenError);
  });
});
