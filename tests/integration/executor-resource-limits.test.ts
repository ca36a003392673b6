// The runner side of ADR 0032 with a real runner process: a try's log stops at FLASHFLOW_TASK_LOG_MAX_BYTES with
// one marker line, a list longer than FLASHFLOW_MAX_MAP_LENGTH fails the try that returned it, and a mapped
// upstream's results reach the task through the xcom service instead of inside the job.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../lib/executors/local/local-executor';
import { truncationMarker } from '../../lib/engine/task-log-cap';
import { EventRecorder, taskJob } from './executor-harness';

const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/resource-limits.ts', import.meta.url));
const CAP = 4096;
const pulls: unknown[] = [];

const executor = new LocalExecutor({
  processes: 1,
  concurrency: 2,
  env: { ...process.env, FLASHFLOW_TASK_LOG_MAX_BYTES: String(CAP), FLASHFLOW_MAX_MAP_LENGTH: '3' },
  logger: () => {},
  serviceHandler: async (_job, method, payload) => {
    if (method !== 'xcom.pull') throw new Error(`no such service: ${method}`);
    pulls.push(payload);
    return [0, null, 20];
  },
});
const recorder = new EventRecorder(executor);
const job = (taskId: string, overrides: Parameters<typeof taskJob>[1] = {}) =>
  taskJob(taskId, { dagId: 'resource_limits', fileloc: FIXTURE, ...overrides });

beforeAll(async () => {
  await executor.start();
});
afterAll(async () => {
  await executor.stop();
});

describe('runner: resource limits', () => {
  it('stops a try\'s log at the cap with one marker line, and the try still succeeds', async () => {
    const j = job('floods_log', { conf: { lines: 1000 } });
    const { finished } = await recorder.run(j);
    expect(finished.outcome).toEqual({ status: 'success', xcom: 'done' });
    const lines = recorder.lines(j.tiId);
    expect(lines.at(-1)).toBe(truncationMarker(CAP));
    expect(lines.filter((l) => l === truncationMarker(CAP))).toHaveLength(1);
    const kept = lines.slice(0, -1);
    expect(kept[0]).toMatch(/^line 0 x+$/);
    expect(kept.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)).toBeLessThanOrEqual(CAP);
    // Lines after the cut, console or ctx.log, are dropped.
    expect(lines.some((l) => l.includes('after the flood'))).toBe(false);
  });

  it('fails the try that returns more items than FLASHFLOW_MAX_MAP_LENGTH, naming the limit and the length', async () => {
    const { finished } = await recorder.run(job('items', { conf: { n: 4 } }));
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { retriable: false } });
    const message = (finished.outcome as { error: { message: string } }).error.message;
    expect(message).toContain('list of 4 items');
    expect(message).toContain("mapped task 'each'");
    expect(message).toContain('FLASHFLOW_MAX_MAP_LENGTH=3');
    expect((await recorder.run(job('items', { conf: { n: 3 } }))).finished.outcome).toEqual({ status: 'success', xcom: [0, 1, 2] });
  });

  it('pulls a mapped upstream\'s results through the xcom service when the job names it', async () => {
    const { finished } = await recorder.run(job('gather', { pullUpstream: ['each'] }));
    expect(pulls).toEqual([{ taskId: 'each', mapIndex: null, perInstance: true }]);
    expect(finished.outcome).toEqual({ status: 'success', xcom: [0, null, 20] });
  });
});
