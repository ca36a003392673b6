import { describe, expect, it } from 'vitest';
import type { ServiceHandler, TryIdentity } from '../../lib/engine/executor-port';
import { withEnvPins } from '../../lib/executors/bullmq/env-pinned-answers';

const job = { tiId: 't', tryNumber: 1, dagId: 'd', runId: 'r', taskId: 'x', mapIndex: -1 } as TryIdentity;

/** The webserver's side, recorded: what reaches it, and the answer it gives. */
function webserver() {
  const calls: [string, unknown][] = [];
  const next: ServiceHandler = async (_job, method, payload) => {
    calls.push([method, payload]);
    return `from the webserver: ${method}`;
  };
  return { calls, next };
}

describe('a worker answers pinned connections and variables itself (ADR 0034)', () => {
  const env = {
    FLASHFLOW_CONN_MODEL_DEFAULT: 'http://127.0.0.1:8099/v1',
    FLASHFLOW_CONN_BROKEN: '{not json',
    FLASHFLOW_VAR_REGION: 'eu-west-3',
  };

  it('answers a connection defined in its environment without calling the webserver', async () => {
    const web = webserver();
    const answer = await withEnvPins(env, web.next)(job, 'connections.get', { connId: 'model_default' });
    expect(answer).toMatchObject({ conn_id: 'model_default', conn_type: 'http', host: '127.0.0.1', port: 8099, schema: 'v1' });
    expect(web.calls).toEqual([]);
  });

  it('answers a pinned variable, the key upper-cased as Airflow reads it, without calling the webserver', async () => {
    const web = webserver();
    expect(await withEnvPins(env, web.next)(job, 'variables.get', { key: 'region' })).toBe('eu-west-3');
    expect(web.calls).toEqual([]);
  });

  it('asks the webserver for what it does not hold, and for every other service', async () => {
    const web = webserver();
    const handler = withEnvPins(env, web.next);
    expect(await handler(job, 'connections.get', { connId: 'warehouse' })).toBe('from the webserver: connections.get');
    expect(await handler(job, 'variables.get', { key: 'absent' })).toBe('from the webserver: variables.get');
    await handler(job, 'xcom.push', { key: 'k', value: 1 });
    expect(web.calls.map(([method]) => method)).toEqual(['connections.get', 'variables.get', 'xcom.push']);
  });

  it('leaves malformed calls to the webserver, whose answer names what is wrong', async () => {
    const web = webserver();
    const handler = withEnvPins(env, web.next);
    await handler(job, 'connections.get', { connId: 'model default' });
    await handler(job, 'connections.get', {});
    await handler(job, 'variables.get', { key: '' });
    expect(web.calls).toHaveLength(3);
  });

  it('fails the call with the reason when its own definition is malformed, as the webserver would', async () => {
    const web = webserver();
    await expect(withEnvPins(env, web.next)(job, 'connections.get', { connId: 'broken' })).rejects.toThrow("connection JSON of 'broken' is not valid JSON");
    expect(web.calls).toEqual([]);
  });
});
