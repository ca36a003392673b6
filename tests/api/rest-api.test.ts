// The REST API over real HTTP against `flashflow standalone` (Next route handlers in the engine's process), with
// every answer checked against the OpenAPI document the server serves (support/openapi-client.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lib/api/openapi';
import { OpenApiClient } from './support/openapi-client';
import { isRunOutputPath, unexercisedOperations } from './support/operation-coverage';
import { expectProblem, type Problem } from './support/expect-problem';
import { startApiServer, type ApiServer } from './support/api-server';

type Json = Record<string, unknown>;

let server: ApiServer;
let api: OpenApiClient;

beforeAll(async () => {
  server = await startApiServer();
  api = await OpenApiClient.connect(server.baseUrl, server.auth);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const enc = encodeURIComponent;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runState(dagId: string, runId: string): Promise<string> {
  const res = await api.get(`/dags/${dagId}/dagRuns/${enc(runId)}`);
  expect(res.status, res.text).toBe(200);
  return res.body.state as string;
}

const untilRunState = (dagId: string, runId: string, state: string) =>
  until(`${dagId}/${runId} ${state}`, async () => (await runState(dagId, runId)) === state);

async function tiStates(dagId: string, runId: string): Promise<Record<string, string | null>> {
  const res = await api.get<{ task_instances: Array<{ task_id: string; map_index: number; state: string | null }> }>(
    `/dags/${dagId}/dagRuns/${enc(runId)}/taskInstances`,
  );
  expect(res.status, res.text).toBe(200);
  return Object.fromEntries(res.body.task_instances.map((t) => [t.map_index >= 0 ? `${t.task_id}[${t.map_index}]` : t.task_id, t.state]));
}

describe('DAGs', () => {
  it('lists the active DAGs with total_entries, paging, filters and order_by', async () => {
    const all = await api.get<{ dags: Json[]; total_entries: number }>('/dags');
    expect(all.status).toBe(200);
    expect(all.body.dags.map((d) => d.dag_id)).toEqual(['api_basic', 'api_failing', 'api_mapped', 'api_paused_daily', 'api_slow']);
    expect(all.body.total_entries).toBe(5);

    const page = await api.get<{ dags: Json[]; total_entries: number }>('/dags?limit=2&offset=1&order_by=-dag_id');
    expect(page.body.dags.map((d) => d.dag_id)).toEqual(['api_paused_daily', 'api_mapped']);
    expect(page.body.total_entries).toBe(5);

    const pastEnd = await api.get<{ dags: Json[]; total_entries: number }>('/dags?offset=50');
    expect(pastEnd.body).toEqual({ dags: [], total_entries: 5 });

    const ids = async (q: string) => (await api.get<{ dags: Json[] }>(`/dags?${q}`)).body.dags.map((d) => d.dag_id);
    expect(await ids('dag_id_pattern=MAPP')).toEqual(['api_mapped']);
    expect(await ids('tags=nightly')).toEqual(['api_paused_daily']);
    expect(await ids('tags=nightly&tags=fixture')).toEqual(['api_basic', 'api_paused_daily']);
    expect(await ids('paused=true')).toEqual(['api_paused_daily']);
    expect(await ids('only_active=false&paused=false')).toHaveLength(4);
    // Airflow lowers a limit above its maximum instead of refusing it.
    expect(await ids('limit=5000')).toHaveLength(5);
  });

  it('refuses a bad limit or an unknown order_by field with 400 naming it', async () => {
    const limit = expectProblem(await api.get('/dags?limit=-1'), 400, /limit/);
    expect(limit.fields?.[0]?.path).toBe('limit');
    const order = expectProblem(await api.get('/dags?order_by=-bogus'), 400, /Ordering with 'bogus' is disallowed/);
    expect(order.fields?.[0]?.path).toBe('order_by');
    expectProblem(await api.get('/dags?only_active=perhaps'), 400, /only_active/);
  });

  it('gets a DAG in Airflow shape', async () => {
    const res = await api.get('/dags/api_basic');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dag_id: 'api_basic',
      dag_display_name: 'api_basic',
      is_paused: false,
      is_active: true,
      is_subdag: false,
      description: 'Greets, shouts, and logs both',
      owners: ['api-tests'],
      tags: [{ name: 'api' }, { name: 'fixture' }],
      schedule_interval: null,
      timetable_description: 'Never, external triggers only',
      has_import_errors: false,
      max_active_runs: 16,
    });
    expect(String(res.body.fileloc)).toMatch(/dags-api\/api_dags\.ts$/);
    const daily = await api.get('/dags/api_paused_daily');
    expect(daily.body).toMatchObject({ is_paused: true, schedule_interval: { __type: 'CronExpression', value: '@daily' } });
  });

  it('answers 404 problem+json for an unknown DAG everywhere', async () => {
    for (const p of ['/dags/nope', '/dags/nope/details', '/dags/nope/tasks', '/dags/nope/tasks/x', '/dags/nope/dagRuns', '/dags/nope/dagRuns/r']) {
      expectProblem(await api.get(p), 404, /DAG 'nope' not found/);
    }
    expectProblem(await api.post('/dags/nope/dagRuns', {}), 404, /DAG 'nope' not found/);
    expectProblem(await api.patch('/dags/nope', { is_paused: true }), 404, /DAG 'nope' not found/);
    expectProblem(await api.post('/dags/nope/clearTaskInstances', { dry_run: true }), 404, /DAG 'nope' not found/);
  });

  it('gets DAG details with the params as Airflow serializes them', async () => {
    const res = await api.get('/dags/api_basic/details');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dag_id: 'api_basic', catchup: false, timezone: 'UTC', doc_md: 'A **fixture** DAG.', concurrency: 16 });
    const params = res.body.params as Record<string, Json>;
    expect(Object.keys(params).sort()).toEqual(['count', 'name']);
    expect(params.count).toMatchObject({ __class: 'airflow.models.param.Param', value: 2, description: 'How many greetings' });
    expect(params.name).toMatchObject({ value: 'world', schema: { type: 'string' } });
  });

  it('lists and gets tasks, ordered by order_by', async () => {
    const res = await api.get<{ tasks: Json[] }>('/dags/api_basic/tasks');
    expect(res.body.tasks.map((t) => t.task_id)).toEqual(['greet', 'shout']);
    expect(res.body.tasks[0]).toMatchObject({
      owner: 'api-tests',
      retries: 1,
      retry_delay: { __type: 'TimeDelta', days: 0, seconds: 30, microseconds: 0 },
      trigger_rule: 'all_success',
      downstream_task_ids: ['shout'],
      is_mapped: false,
      class_ref: { class_name: 'function' },
    });
    const desc = await api.get<{ tasks: Json[] }>('/dags/api_basic/tasks?order_by=-task_id');
    expect(desc.body.tasks.map((t) => t.task_id)).toEqual(['shout', 'greet']);
    expect((await api.get('/dags/api_basic/tasks/shout')).body).toMatchObject({ task_id: 'shout', pool: 'api_pool' });
    expect((await api.get('/dags/api_mapped/tasks/card')).body).toMatchObject({ is_mapped: true });
    expectProblem(await api.get('/dags/api_basic/tasks/nope'), 404, /Task 'nope' not found/);
    expectProblem(await api.get('/dags/api_basic/tasks?order_by=color'), 400, /color/);
  });

  it('pauses and unpauses a DAG with PATCH is_paused, and logs the event', async () => {
    const paused = await api.patch('/dags/api_failing', { is_paused: true });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.body).toMatchObject({ dag_id: 'api_failing', is_paused: true });
    expect((await api.get('/dags/api_failing')).body.is_paused).toBe(true);
    const masked = await api.patch('/dags/api_failing?update_mask=is_paused', { is_paused: false });
    expect(masked.body.is_paused).toBe(false);
    const events = await api.get<{ event_logs: Json[] }>('/eventLogs?dag_id=api_failing&event=api.patch_dag');
    expect(events.body.event_logs.map((e) => JSON.parse(String(e.extra)))).toEqual([{ is_paused: true }, { is_paused: false }]);
    expect(events.body.event_logs[0]).toMatchObject({ owner: 'admin', dag_id: 'api_failing', run_id: null });
  });

  it('refuses PATCH bodies that are not JSON, have unknown or read-only fields, or wrong types', async () => {
    const badJson = expectProblem(await api.request('PATCH', '/dags/api_failing', { rawBody: '{"is_paused": tru', headers: { 'content-type': 'application/json' } }), 400, /not valid JSON/);
    expect(badJson.fields?.[0]?.path).toBe('(body)');
    const unknown = expectProblem(await api.patch('/dags/api_failing', { is_paused: true, owners: ['me'] }), 400, /owners: unknown field/);
    expect(unknown.fields).toEqual([{ path: 'owners', message: 'unknown field' }]);
    const wrongType = expectProblem(await api.patch('/dags/api_failing', { is_paused: 'yes' }), 400, /^is_paused: /);
    expect(wrongType.fields?.[0]?.path).toBe('is_paused');
    expectProblem(await api.patch('/dags/api_failing', {}), 400, /is_paused/);
    expectProblem(await api.patch('/dags/api_failing?update_mask=description', { is_paused: true }), 400, /Only `is_paused`/);
    const mask = expectProblem(await api.patch('/dags/api_failing?update_mask=is_paused,description', { is_paused: true }), 400, /Only/);
    expect(mask.fields).toEqual([{ path: 'update_mask', message: 'not updatable: description' }]);
    expect((await api.get('/dags/api_failing')).body.is_paused).toBe(false);
  });
});

describe('pools', () => {
  let poolsAtStart = 0;

  it('lists default_pool with its slot usage', async () => {
    const res = await api.get<{ pools: Json[]; total_entries: number }>('/pools');
    expect(res.status).toBe(200);
    poolsAtStart = res.body.total_entries;
    expect(res.body.pools.map((p) => p.name)).toContain('default_pool');
    expect(res.body.pools.find((p) => p.name === 'default_pool')).toMatchObject({
      slots: 128, open_slots: 128, occupied_slots: 0, include_deferred: false,
    });
  });

  it('creates, gets, updates and deletes a pool', async () => {
    const created = await api.post('/pools', { name: 'scratch', slots: 3, description: 'temporary' });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toEqual({
      name: 'scratch', slots: 3, occupied_slots: 0, running_slots: 0, queued_slots: 0, open_slots: 3, scheduled_slots: 0,
      deferred_slots: 0, description: 'temporary', include_deferred: false,
    });
    expect((await api.get('/pools/scratch')).body.slots).toBe(3);
    const patched = await api.patch('/pools/scratch?update_mask=slots', { slots: 5, description: 'ignored by the mask' });
    expect(patched.body).toMatchObject({ slots: 5, description: 'temporary' });
    const names = await api.get<{ pools: Json[]; total_entries: number }>('/pools?order_by=-name&limit=1');
    expect(names.body).toMatchObject({ total_entries: poolsAtStart + 1, pools: [{ name: 'scratch' }] });
    expect((await api.delete('/pools/scratch')).status).toBe(204);
    expectProblem(await api.get('/pools/scratch'), 404, /Pool 'scratch' not found/);
    expectProblem(await api.delete('/pools/scratch'), 404, /not found/);
  });

  it('refuses duplicates (409), bad slots, renames, and deleting default_pool', async () => {
    expect((await api.post('/pools', { name: 'api_pool', slots: 0, description: 'shout waits here' })).status).toBe(200);
    expectProblem(await api.post('/pools', { name: 'api_pool', slots: 1 }), 409, /already exists/);
    const slots = expectProblem(await api.post('/pools', { name: 'x', slots: -1 }), 400, /slots/);
    expect(slots.fields?.[0]?.path).toBe('slots');
    expectProblem(await api.post('/pools', { name: 'x' }), 400, /slots/);
    expectProblem(await api.post('/pools', { name: 'x', slots: 1, open_slots: 1 }), 400, /open_slots: unknown field/);
    expectProblem(await api.patch('/pools/api_pool', { name: 'renamed' }), 400, /cannot be renamed/);
    expectProblem(await api.patch('/pools/api_pool?update_mask=slots', { description: 'x' }), 400, /update_mask/);
    expectProblem(await api.patch('/pools/nope', { slots: 1 }), 404, /Pool 'nope' not found/);
    expectProblem(await api.delete('/pools/default_pool'), 400, /Default Pool can't be deleted/);
  });
});

describe('triggering a run and following it', () => {
  const runId = 'manual__2024-06-01T10:00:00+00:00';

  it('triggers a run with conf and answers the queued DAGRun', async () => {
    const res = await api.post(`/dags/api_basic/dagRuns`, {
      dag_run_id: runId,
      logical_date: '2024-06-01T10:00:00+00:00',
      conf: { count: 3, name: 'API' },
      note: 'from the API test',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      dag_run_id: runId,
      dag_id: 'api_basic',
      logical_date: '2024-06-01T10:00:00.000Z',
      execution_date: '2024-06-01T10:00:00.000Z',
      run_type: 'manual',
      external_trigger: true,
      conf: { count: 3, name: 'API' },
      note: 'from the API test',
    });
    expect(['queued', 'running']).toContain(res.body.state);
  });

  it('refuses a duplicate run id with 409', async () => {
    expectProblem(await api.post('/dags/api_basic/dagRuns', { dag_run_id: runId }), 409, /already exists/);
  });

  it('refuses conf that breaks the params with 400 naming conf.<field>', async () => {
    const low = expectProblem(await api.post('/dags/api_basic/dagRuns', { conf: { count: 0 } }), 400, /conf\.count/);
    expect(low.fields?.map((f) => f.path)).toEqual(['conf.count']);
    const wrong = expectProblem(await api.post('/dags/api_basic/dagRuns', { conf: { name: 42 } }), 400, /conf\.name/);
    expect(wrong.fields?.map((f) => f.path)).toEqual(['conf.name']);
  });

  it('refuses bad bodies: wrong type, unknown field, bad JSON, bad date, too large', async () => {
    const type = expectProblem(await api.post('/dags/api_basic/dagRuns', { conf: 'count=3' }), 400, /^conf: /);
    expect(type.fields?.[0]?.path).toBe('conf');
    const unknown = expectProblem(await api.post('/dags/api_basic/dagRuns', { conf: {}, state: 'success' }), 400, /state: unknown field/);
    expect(unknown.fields).toEqual([{ path: 'state', message: 'unknown field' }]);
    expectProblem(await api.request('POST', '/dags/api_basic/dagRuns', { rawBody: '{"conf": {', headers: { 'content-type': 'application/json' } }), 400, /not valid JSON/);
    expectProblem(await api.post('/dags/api_basic/dagRuns', { logical_date: 'tomorrow' }), 400, /logical_date/);
    expectProblem(
      await api.post('/dags/api_basic/dagRuns', { logical_date: '2024-01-01T00:00:00Z', execution_date: '2024-01-02T00:00:00Z' }),
      400,
      /execution_date/,
    );
    const big = JSON.stringify({ conf: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    expectProblem(await api.request('POST', '/dags/api_basic/dagRuns', { rawBody: big, headers: { 'content-type': 'application/json' } }), 413, /larger than/);
  });

  it('waits for its pool: shout stays scheduled while api_pool has no slot, and the pool shows it', async () => {
    await until('greet success', async () => (await tiStates('api_basic', runId)).greet === 'success');
    const pool = await until('a scheduled slot in api_pool', async () => {
      const p = await api.get('/pools/api_pool');
      return p.body.scheduled_slots === 1 ? p.body : null;
    });
    expect(pool).toMatchObject({ slots: 0, open_slots: 0, occupied_slots: 0 });
    expect((await tiStates('api_basic', runId)).shout).toBe('scheduled');
  });

  it('runs to success once the pool gets a slot', async () => {
    const res = await api.patch('/pools/api_pool', { slots: 2 });
    expect(res.body).toMatchObject({ slots: 2 });
    await untilRunState('api_basic', runId, 'success');
    const run = await api.get(`/dags/api_basic/dagRuns/${enc(runId)}`);
    expect(run.body.start_date).toBeTruthy();
    expect(run.body.end_date).toBeTruthy();
    expect(await tiStates('api_basic', runId)).toEqual({ greet: 'success', shout: 'success' });
  });

  it('lists and gets its task instances', async () => {
    const list = await api.get<{ task_instances: Json[]; total_entries: number }>(`/dags/api_basic/dagRuns/${enc(runId)}/taskInstances`);
    expect(list.body.total_entries).toBe(2);
    const greet = await api.get(`/dags/api_basic/dagRuns/${enc(runId)}/taskInstances/greet`);
    expect(greet.body).toMatchObject({
      task_id: 'greet', dag_id: 'api_basic', dag_run_id: runId, execution_date: '2024-06-01T10:00:00.000Z',
      state: 'success', try_number: 1, max_tries: 1, map_index: -1, pool: 'default_pool', operator: 'function',
    });
    expect(greet.body.hostname).not.toBe('');
    expect(typeof greet.body.pid).toBe('number');
    expect(typeof greet.body.duration).toBe('number');
    const filtered = async (q: string) =>
      (await api.get<{ task_instances: Json[] }>(`/dags/api_basic/dagRuns/${enc(runId)}/taskInstances?${q}`)).body.task_instances.map((t) => t.task_id);
    expect(await filtered('state=success&pool=api_pool')).toEqual(['shout']);
    expect(await filtered('state=failed')).toEqual([]);
    expect(await filtered('execution_date_gte=2024-06-01T10:00:00Z&duration_gte=0')).toEqual(['greet', 'shout']);
    const everything = await api.get<{ task_instances: Json[] }>('/dags/~/dagRuns/~/taskInstances?limit=1000');
    expect(everything.body.task_instances.some((t) => t.dag_run_id === runId)).toBe(true);
    expectProblem(await api.get(`/dags/api_basic/dagRuns/${enc(runId)}/taskInstances?state=exploded`), 400, /state/);
    expectProblem(await api.get(`/dags/api_basic/dagRuns/${enc(runId)}/taskInstances/nope`), 404, /Task 'nope' not found/);
    expectProblem(await api.get('/dags/api_basic/dagRuns/no_run/taskInstances'), 404, /DAG run 'no_run' not found/);
  });

  it('serves the log of try 1 as JSON, as text/plain, in pages with a continuation token', async () => {
    const base = `/dags/api_basic/dagRuns/${enc(runId)}/taskInstances/greet/logs`;
    const json = await api.get<{ content: string; continuation_token: string }>(`${base}/1`);
    expect(json.status, json.text).toBe(200);
    const lines = json.body.content.trimEnd().split('\n');
    expect(lines, json.body.content).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] \{log\} INFO - hello API #[123]$/);
    expect(lines.map((l) => l.slice(-1)).sort()).toEqual(['1', '2', '3']);
    const token = JSON.parse(Buffer.from(json.body.continuation_token, 'base64url').toString()) as { end_of_log: boolean };
    expect(token.end_of_log).toBe(true);
    const next = await api.get<{ content: string }>(`${base}/1?token=${json.body.continuation_token}`);
    expect(next.body.content).toBe('');
    const text = await api.get<string>(`${base}/1?full_content=true`, { headers: { accept: 'text/plain' } });
    expect(text.contentType).toBe('text/plain');
    expect(text.body).toBe(json.body.content);
    expectProblem(await api.get(`${base}/2`), 404, /has no try 2/);
    expectProblem(await api.get(`${base}/0`), 400, /task_try_number/);
    expectProblem(await api.get(`${base}/1?token=garbage`), 400, /token/);
  });

  // KNOWN BUG outside the API: appendLogs (lib/store/run-store/logs-and-callbacks.ts) inserts a batch of lines with
  // `INSERT … SELECT FROM unnest(…)` without an order, and PostgreSQL assigns the ids in reverse, so a try's lines
  // read back by id come out of order. Fix: `unnest(…) WITH ORDINALITY AS l(…, ord) … ORDER BY l.ord`; then drop
  // `.fails` here.
  it('returns log lines in the order the task wrote them', async () => {
    const json = await api.get<{ content: string }>(`/dags/api_basic/dagRuns/${enc(runId)}/taskInstances/greet/logs/1`);
    expect(json.body.content.trimEnd().split('\n').map((l) => l.slice(-1))).toEqual(['1', '2', '3']);
  });

  it('lists runs (also of every DAG with ~) with filters, and gets one by an id that needs URL encoding', async () => {
    const runs = await api.get<{ dag_runs: Json[]; total_entries: number }>('/dags/api_basic/dagRuns?state=success');
    expect(runs.body.dag_runs.map((r) => r.dag_run_id)).toContain(runId);
    const none = await api.get<{ dag_runs: Json[]; total_entries: number }>('/dags/api_basic/dagRuns?execution_date_lte=2024-01-01T00:00:00Z');
    expect(none.body).toEqual({ dag_runs: [], total_entries: 0 });
    const all = await api.get<{ dag_runs: Json[] }>('/dags/~/dagRuns?order_by=-execution_date');
    expect(all.body.dag_runs.some((r) => r.dag_run_id === runId)).toBe(true);
    expectProblem(await api.get('/dags/api_basic/dagRuns?state=done'), 400, /state/);
    expectProblem(await api.get('/dags/api_basic/dagRuns?order_by=color'), 400, /color/);
    expectProblem(await api.get('/dags/api_basic/dagRuns/nope'), 404, /DAG run 'nope' not found/);
  });

  it('records the trigger in the event log', async () => {
    const res = await api.get<{ event_logs: Json[]; total_entries: number }>('/eventLogs?event=api.post_dag_run&dag_id=api_basic');
    expect(res.body.total_entries).toBe(1);
    expect(res.body.event_logs[0]).toMatchObject({ run_id: runId, owner: 'admin', execution_date: '2024-06-01T10:00:00.000Z' });
    const one = await api.get(`/eventLogs/${String(res.body.event_logs[0]!.event_log_id)}`);
    expect(one.body).toEqual(res.body.event_logs[0]);
  });
});

describe('mapped task instances', () => {
  it('lists and gets the instances of a mapped task, and their logs by map_index', async () => {
    const trig = await api.post('/dags/api_mapped/dagRuns', { dag_run_id: 'mapped_1' });
    expect(trig.status, trig.text).toBe(200);
    await untilRunState('api_mapped', 'mapped_1', 'success');
    const base = '/dags/api_mapped/dagRuns/mapped_1/taskInstances';
    const mapped = await api.get<{ task_instances: Json[]; total_entries: number }>(`${base}/card/listMapped?order_by=-map_index`);
    expect(mapped.body.total_entries).toBe(3);
    expect(mapped.body.task_instances.map((t) => t.map_index)).toEqual([2, 1, 0]);
    expect((await api.get(`${base}/card/1`)).body).toMatchObject({ task_id: 'card', map_index: 1, state: 'success' });
    expectProblem(await api.get(`${base}/card`), 404, /is mapped/);
    expectProblem(await api.get(`${base}/card/7`), 404, /map_index 7/);
    expectProblem(await api.get(`${base}/card/x`), 400, /map_index/);
    expectProblem(await api.get(`${base}/words/listMapped`), 404, /is not mapped/);
    const log = await api.get<{ content: string }>(`${base}/card/logs/1?map_index=2`);
    expect(log.body.content).toContain('card for oiseau');
  });
});

describe('clearing and marking task instances', () => {
  it('clears as a dry run by default, then marks and clears for real until the run succeeds', async () => {
    expect((await api.post('/dags/api_failing/dagRuns', { dag_run_id: 'fail_1' })).status).toBe(200);
    await untilRunState('api_failing', 'fail_1', 'failed');
    expect(await tiStates('api_failing', 'fail_1')).toEqual({ explode: 'failed', after: 'upstream_failed' });

    const dry = await api.post<{ task_instances: Json[] }>('/dags/api_failing/clearTaskInstances', { dag_run_id: 'fail_1' });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.task_instances.map((t) => t.task_id).sort()).toEqual(['after', 'explode']);
    expect(dry.body.task_instances[0]).toMatchObject({ dag_id: 'api_failing', dag_run_id: 'fail_1' });
    expect(await tiStates('api_failing', 'fail_1')).toEqual({ explode: 'failed', after: 'upstream_failed' });

    const mark = await api.post<{ task_instances: Json[] }>('/dags/api_failing/updateTaskInstancesState', {
      dag_run_id: 'fail_1', task_id: 'explode', new_state: 'success', dry_run: false,
    });
    expect(mark.body.task_instances).toEqual([
      { task_id: 'explode', dag_id: 'api_failing', dag_run_id: 'fail_1', execution_date: expect.any(String) },
    ]);
    const clear = await api.post<{ task_instances: Json[] }>('/dags/api_failing/clearTaskInstances', {
      dag_run_id: 'fail_1', task_ids: ['after'], dry_run: false,
    });
    expect(clear.body.task_instances.map((t) => t.task_id)).toEqual(['after']);
    await untilRunState('api_failing', 'fail_1', 'success');
    expect(await tiStates('api_failing', 'fail_1')).toEqual({ explode: 'success', after: 'success' });

    const events = await api.get<{ event_logs: Json[] }>('/eventLogs?dag_id=api_failing&included_events=api.post_clear_task_instances,api.post_set_task_instances_state&order_by=event_log_id');
    expect(events.body.event_logs.map((e) => e.event)).toEqual(['api.post_set_task_instances_state', 'api.post_clear_task_instances']);
  });

  it('refuses what it cannot do with 400 naming the field', async () => {
    const p = '/dags/api_failing/updateTaskInstancesState';
    expectProblem(await api.post(p, { dag_run_id: 'fail_1', task_id: 'explode', new_state: 'skipped' }), 400, /new_state/);
    expectProblem(await api.post(p, { task_id: 'explode', new_state: 'failed' }), 400, /dag_run_id or execution_date/);
    expectProblem(await api.post(p, { dag_run_id: 'nope', task_id: 'explode', new_state: 'failed' }), 404, /DAG run 'nope'/);
    const c = '/dags/api_failing/clearTaskInstances';
    expectProblem(await api.post(c, { task_ids: ['ghost'] }), 400, /ghost/);
    expectProblem(await api.post(c, { only_running: true }), 400, /only_running/);
    expectProblem(await api.post(c, { task_ids: [] }), 400, /task_ids/);
    expectProblem(await api.post(c, { dry_run: 'no' }), 400, /dry_run/);
  });

  it('sets a run to success, failed, and queued (runs it again) with PATCH', async () => {
    expect((await api.post('/dags/api_failing/dagRuns', { dag_run_id: 'fail_2' })).status).toBe(200);
    await untilRunState('api_failing', 'fail_2', 'failed');
    const ok = await api.patch('/dags/api_failing/dagRuns/fail_2', { state: 'success' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.state).toBe('success');
    expect(await tiStates('api_failing', 'fail_2')).toEqual({ explode: 'success', after: 'success' });

    const failed = await api.patch('/dags/api_failing/dagRuns/fail_2', { state: 'failed' });
    expect(failed.body.state).toBe('failed');
    expect(await tiStates('api_failing', 'fail_2')).toEqual({ explode: 'success', after: 'failed' });

    const again = await api.patch('/dags/api_failing/dagRuns/fail_2', { state: 'queued' });
    expect(again.status).toBe(200);
    await untilRunState('api_failing', 'fail_2', 'failed');
    expect(await tiStates('api_failing', 'fail_2')).toEqual({ explode: 'failed', after: 'upstream_failed' });
    const log2 = await api.get<{ content: string }>('/dags/api_failing/dagRuns/fail_2/taskInstances/explode/logs/2');
    expect(log2.body.content).toContain('about to explode');

    expectProblem(await api.patch('/dags/api_failing/dagRuns/fail_2', { state: 'running' }), 400, /^state: /);
    expectProblem(await api.patch('/dags/api_failing/dagRuns/nope', { state: 'success' }), 404, /DAG run 'nope'/);
  });

  it('deletes a run, but not while a task of it runs (409)', async () => {
    expect((await api.post('/dags/api_slow/dagRuns', { dag_run_id: 'slow_1' })).status).toBe(200);
    await until('nap running', async () => (await tiStates('api_slow', 'slow_1')).nap === 'running');
    expectProblem(await api.delete('/dags/api_slow/dagRuns/slow_1'), 409, /queued or running/);
    await untilRunState('api_slow', 'slow_1', 'success');
    expect((await api.delete('/dags/api_slow/dagRuns/slow_1')).status).toBe(204);
    expectProblem(await api.get('/dags/api_slow/dagRuns/slow_1'), 404, /not found/);
    expectProblem(await api.delete('/dags/api_slow/dagRuns/slow_1'), 404, /not found/);
    expect((await api.delete('/dags/api_failing/dagRuns/fail_2')).status).toBe(204);
  });
});

describe('import errors and the event log', () => {
  it('lists and gets import errors', async () => {
    const res = await api.get<{ import_errors: Json[]; total_entries: number }>('/importErrors');
    expect(res.body.total_entries).toBe(1);
    const err = res.body.import_errors[0]!;
    expect(String(err.filename)).toMatch(/dags-api\/broken\.ts$/);
    expect(String(err.stack_trace)).toContain('missing setting API_FIXTURE_KEY');
    expect((await api.get(`/importErrors/${String(err.import_error_id)}`)).body).toEqual(err);
    expectProblem(await api.get('/importErrors/999999'), 404, /999999/);
    expectProblem(await api.get('/importErrors/abc'), 400, /import_error_id/);
    expectProblem(await api.get('/importErrors?order_by=stack'), 400, /stack/);
  });

  it('filters the event log', async () => {
    const pools = await api.get<{ event_logs: Json[] }>('/eventLogs?included_events=api.post_pool,api.delete_pool&order_by=-when');
    expect(pools.body.event_logs.map((e) => e.event)).toEqual(['api.post_pool', 'api.delete_pool', 'api.post_pool']);
    const noPools = await api.get<{ event_logs: Json[] }>('/eventLogs?excluded_events=api.post_pool,api.delete_pool,api.patch_pool&owner=admin');
    expect(noPools.body.event_logs.length).toBeGreaterThan(0);
    expect(noPools.body.event_logs.every((e) => !String(e.event).includes('pool') && e.owner === 'admin')).toBe(true);
    const later = await api.get<{ event_logs: Json[]; total_entries: number }>('/eventLogs?after=2999-01-01T00:00:00Z');
    expect(later.body).toEqual({ event_logs: [], total_entries: 0 });
    expectProblem(await api.get('/eventLogs/999999'), 404, /999999/);
    expectProblem(await api.get('/eventLogs?before=soon'), 400, /before/);
  });
});

describe('the API itself', () => {
  it('serves its OpenAPI document (the one built from the contracts) and a page listing it', async () => {
    expect(api.doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    const html = await fetch(`${server.baseUrl}/api/v1/ui`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await html.text();
    expect(page).toContain('/api/v1/dags/{dag_id}/dagRuns');
    expect(page).toContain('id="schema-DAGRun"');
    expect(page).not.toMatch(/<script/i);
  });

  it('answers problem+json 404 for paths that are not endpoints', async () => {
    for (const p of ['', '/nope', '/dags/api_basic/nope', '/dags/api_basic/dagRuns/x/taskInstances/y/logs/1/more']) {
      const res = await fetch(`${server.baseUrl}/api/v1${p}`, { method: 'POST', headers: server.auth });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as Problem).detail).toContain('is not an endpoint');
    }
  });

  it('health and version answer in the documented shapes', async () => {
    expect((await api.get('/health')).status).toBe(200);
    expect((await api.get('/version')).status).toBe(200);
  });

  it('every documented operation was exercised with its success status', () => {
    const missing = unexercisedOperations(api, (path) =>
      // Flashflow's own resources need the flashcard workflow: flashcards-api.test.ts exercises them.
      !/^\/(decks|cards|llm)(\/|$)/.test(path) &&
      // Each of these files exercises its own, with its own coverage check.
      !/^\/(connections|variables)(\/|$)/.test(path) && // connections-variables-api.test.ts
      !isRunOutputPath(path)); // run-outputs.test.ts
    expect(missing).toEqual([]);
  });
});
