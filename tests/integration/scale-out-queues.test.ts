// Task queues on real servers (ADR 0028): a task on 'gpu' runs only on a worker started with `--queues gpu`; while no
// worker serves 'gpu' its try stays queued and the task instance page says so; a worker pointed at an unreachable
// Redis or webserver says so in one line and keeps trying.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childProcesses, fixturePath, freePort, runCli, waitUntil } from '../support/cli-harness';
import type { PostgresServer } from '../support/postgres-server';
import type { RedisServer } from '../support/redis-server';
import { startScaleOutCluster, type ScaleOutCluster } from '../support/scale-out-cluster';
import { postgresForFile, redisForFile } from '../support/shared-servers';

const DAGS = fixturePath('dags-queues');

let postgres: PostgresServer;
let redis: RedisServer;
let cluster: ScaleOutCluster;
const start = (args: string[], extra?: Record<string, string>) => cluster.start(args, extra);
const api = <T>(path: string, init?: RequestInit) => cluster.api<T>(path, init);

interface Ti { state: string | null; queue: string | null; pid: number | null }
const ti = (runId: string, taskId: string) => api<Ti>(`/dags/queues/dagRuns/${runId}/taskInstances/${taskId}`);

beforeAll(async () => {
  [postgres, redis] = await Promise.all([postgresForFile(), redisForFile()]);
  cluster = await startScaleOutCluster({ dagsFolder: DAGS, postgres, redis, env: { FLASHFLOW_WORKER_CONCURRENCY: '2' }, startTimeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

describe('task queues', () => {
  it('runs each task on a worker serving its queue, and shows a try no worker takes as waiting on its queue', async () => {
    const defaultWorker = start(['worker']);
    await defaultWorker.waitFor(/is taking tries from Redis, queue 'default'/, 30_000);
    await api('/dags/queues', { method: 'PATCH', body: JSON.stringify({ is_paused: false }) });
    await api('/dags/queues/dagRuns', { method: 'POST', body: JSON.stringify({ dag_run_id: 'r1' }) });

    await waitUntil(async () => (await ti('r1', 'on_default')).state === 'success', 'on_default to succeed', 30_000, 200);
    const waiting = await ti('r1', 'on_gpu');
    expect(waiting).toMatchObject({ state: 'queued', queue: 'gpu' });
    expect((await ti('r1', 'on_default')).queue).toBe('default');
    const filtered = await api<{ task_instances: Array<{ task_id: string }> }>('/dags/queues/dagRuns/r1/taskInstances?queue=gpu');
    expect(filtered.task_instances.map((t) => t.task_id)).toEqual(['on_gpu']);

    // The scheduler records the workers every 5 s; the page then names the queue and the fix.
    const page = await waitUntil(async () => {
      const html = await (await fetch(`${cluster.web.url}/dags/queues/runs/r1/tasks/on_gpu`, { headers: cluster.web.auth })).text();
      return html.includes('no running worker serves this queue') ? html : null;
    }, 'the queue note on the task instance page', 20_000, 500);
    expect(page).toContain('queued on &#x27;gpu&#x27;: no running worker serves this queue (start one with `flashflow worker --queues gpu`)');
    await cluster.scheduler.waitFor(/tries wait on queue 'gpu', which no running worker serves/, 10_000);

    const gpuWorker = start(['worker', '--queues', 'gpu', '--concurrency', '1']);
    await gpuWorker.waitFor(/is taking tries from Redis, queue 'gpu' \(1 × 1 slots/, 30_000);
    await waitUntil(async () => (await ti('r1', 'on_gpu')).state === 'success', 'on_gpu to succeed', 30_000, 200);
    expect(childProcesses(gpuWorker.pid, 'local/runner.ts')).toContain((await ti('r1', 'on_gpu')).pid);
    expect(childProcesses(defaultWorker.pid, 'local/runner.ts')).toContain((await ti('r1', 'on_default')).pid);
  }, 90_000);

  it('says once that Redis or the webserver cannot be reached, without the password, and keeps trying', async () => {
    const [redisPort, apiPort] = await Promise.all([freePort(), freePort()]);
    const lost = start(['worker'], { REDIS_URL: `redis://:hunter2@127.0.0.1:${redisPort}`, FLASHFLOW_API_URL: `http://127.0.0.1:${apiPort}` });
    await lost.waitFor(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*ECONNREFUSED.*; retrying with backoff/, 15_000);
    await lost.waitFor(/cannot reach the webserver at http:\/\/127\.0\.0\.1:\d+ \(FLASHFLOW_API_URL\): ECONNREFUSED; retrying with backoff/, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // several reconnection attempts
    expect(lost.output.match(/cannot reach Redis/g)).toHaveLength(1);
    expect(lost.output.match(/cannot reach the webserver/g)).toHaveLength(1);
    expect(lost.output).not.toContain('hunter2');
    expect(lost.output).not.toMatch(/\n\s+at /); // no stack trace
    expect(lost.child.exitCode).toBeNull();
  }, 30_000);

  it('refuses a bad --queues in one line', async () => {
    const r = await runCli(['worker', '--queues', 'gpu,bad name'], { home: cluster.home, dagsFolder: DAGS, env: cluster.env });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^flashflow: option '-q, --queues <names>' argument 'gpu,bad name' is invalid\. 'bad name': a queue name is 1 to 64/);
  }, 20_000);
});
