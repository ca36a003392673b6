// The LocalExecutor when tries misbehave: timeouts, kills, crashes, OOM, blocked event loops, and stop().
// Whatever happens, every try gets exactly one 'finished' event and this (the parent) process carries on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkTypeScript } from '../../lib/executors/local/fork-runner';
import { LocalExecutor } from '../../lib/executors/local/local-executor';
import { EventRecorder, isAlive, taskJob, waitUntil } from './executor-harness';

const logged: string[] = [];
// One process, so tries submitted together share a runner and a crash hits all of them.
const executor = new LocalExecutor({
  processes: 1,
  concurrency: 4,
  heartbeatMs: 50,
  killGraceMs: 600,
  unresponsiveMs: 800,
  logger: (msg) => logged.push(msg),
});
const recorder = new EventRecorder(executor);

beforeAll(async () => {
  await executor.start();
});
afterAll(async () => {
  await executor.stop();
});

function finishedEvents(tiId: string) {
  return recorder.of(tiId).filter((e) => e.type === 'finished');
}

async function runnerPid(): Promise<number> {
  const job = taskJob('returns_nothing');
  const { events } = await recorder.run(job);
  const started = events.find((e) => e.type === 'started');
  if (started?.type !== 'started') throw new Error('no started event');
  return started.pid;
}

function childPidFromLog(tiId: string): number {
  const line = recorder.lines(tiId, 'stdout').find((l) => l.startsWith('child='));
  return Number(line?.slice('child='.length));
}

describe('LocalExecutor: execution timeout', () => {
  it('fails a try that honours its signal with a retriable TimeoutError; its runner lives on', async () => {
    const pid = await runnerPid();
    const { finished } = await recorder.run(taskJob('honours_signal', { executionTimeoutMs: 150 }));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'TimeoutError', message: 'Task exceeded its execution timeout of 150ms', retriable: true },
    });
    expect(await runnerPid()).toBe(pid);
  });

  it('reports a try that ignores its signal once, then recycles its runner for a fresh one', async () => {
    const pid = await runnerPid();
    const job = taskJob('ignores_signal', { executionTimeoutMs: 100 });
    const { finished } = await recorder.run(job);
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'TimeoutError', retriable: true } });
    await waitUntil(() => !isAlive(pid), 'the recycled runner is gone');
    expect(await runnerPid()).not.toBe(pid);
    expect(finishedEvents(job.tiId)).toHaveLength(1);
  });

  it('kills the runner of a try that blocks its event loop past timeout + grace; its neighbour is lost, not forgotten', async () => {
    const pid = await runnerPid();
    const neighbour = taskJob('sleeps', { conf: { ms: 10_000 } });
    executor.submit(neighbour);
    const { finished } = await recorder.run(taskJob('busy_loop', { executionTimeoutMs: 100 }));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'TimeoutError', retriable: true, message: expect.stringMatching(/^Task exceeded its execution timeout of 100ms and did not stop; runner process \d+ was killed by signal SIGKILL/) },
    });
    expect((await recorder.finished(neighbour.tiId)).outcome).toMatchObject({
      status: 'failed',
      error: { name: 'WorkerLostError', retriable: true },
    });
    expect(isAlive(pid)).toBe(false);
    expect(await runnerPid()).not.toBe(pid);
  });

  it('kills a runner whose running tries stop heartbeating, even without a timeout', async () => {
    const { finished } = await recorder.run(taskJob('busy_loop'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'WorkerLostError', retriable: true, message: expect.stringContaining('was killed by signal SIGKILL') },
    });
    expect(logged.some((l) => /killed, no heartbeat for/.test(l))).toBe(true);
  });
});

describe('LocalExecutor: crashing runners', () => {
  it.each([
    ['exits', 'exited with code 1'],
    ['sigkills_itself', 'was killed by signal SIGKILL'],
  ])('reports WorkerLostError for every try of a runner whose task %s, and serves the next job from a fresh runner', async (taskId, how) => {
    const pid = await runnerPid();
    const neighbours = [taskJob('sleeps', { conf: { ms: 10_000 } }), taskJob('sleeps', { conf: { ms: 10_000 } })];
    for (const job of neighbours) executor.submit(job);
    const crasher = taskJob(taskId);
    const { finished } = await recorder.run(crasher);
    for (const event of [finished, ...(await Promise.all(neighbours.map((j) => recorder.finished(j.tiId))))]) {
      expect(event.outcome).toMatchObject({
        status: 'failed',
        error: { name: 'WorkerLostError', retriable: true, message: expect.stringContaining(`runner process ${pid} ${how}`) },
      });
    }
    expect(finished.outcome.status === 'failed' && finished.outcome.error.message).toContain(`task executor_tasks.${taskId}`);
    const fresh = await runnerPid();
    expect(fresh).not.toBe(pid);
    expect(executor.pids).toEqual([fresh]);
  });

  it('reports a runner that runs out of memory', async () => {
    const small = new LocalExecutor({ processes: 1, nodeArgs: ['--max-old-space-size=32'], logger: () => {} });
    const rec = new EventRecorder(small);
    try {
      const { finished } = await rec.run(taskJob('oom'));
      expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'WorkerLostError', retriable: true } });
      expect(finished.outcome.status === 'failed' && finished.outcome.error.message).toMatch(/heap out of memory/i);
      expect((await rec.run(taskJob('returns_nothing'))).finished.outcome).toEqual({ status: 'success', xcom: null });
    } finally {
      await small.stop();
    }
  });
});

describe('LocalExecutor: kill()', () => {
  it('fails a function try with a non-retriable KilledError naming the reason', async () => {
    const job = taskJob('honours_signal');
    executor.submit(job);
    await waitUntil(() => recorder.of(job.tiId).some((e) => e.type === 'started'), 'the try started');
    executor.kill(job.tiId, 'marked failed by admin');
    expect((await recorder.finished(job.tiId)).outcome).toMatchObject({
      status: 'failed',
      error: { name: 'KilledError', message: 'Task was killed: marked failed by admin', retriable: false },
    });
  });

  it('kills the whole process group of a bash try', async () => {
    const pid = await runnerPid();
    const job = taskJob('bash_sleeps');
    executor.submit(job);
    await waitUntil(() => childPidFromLog(job.tiId) > 0, 'bash printed its child pid');
    const sleeper = childPidFromLog(job.tiId);
    expect(isAlive(sleeper)).toBe(true);
    executor.kill(job.tiId, 'cleared by user');
    expect((await recorder.finished(job.tiId)).outcome).toMatchObject({
      status: 'failed',
      error: { name: 'KilledError', message: 'Task was killed: cleared by user', retriable: false },
    });
    expect(isAlive(sleeper)).toBe(false);
    expect(await runnerPid()).toBe(pid);
  });

  it('logs and ignores a kill of a try it does not run', () => {
    executor.kill('ti-unknown', 'whatever');
    expect(logged).toContain('kill(ti-unknown): no running try with that id');
  });
});

describe('bash operator: timeouts', () => {
  it('kills the process group at the timeout; the runner lives on', async () => {
    const pid = await runnerPid();
    const job = taskJob('bash_sleeps', { executionTimeoutMs: 300 });
    const { finished } = await recorder.run(job);
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'TimeoutError', message: 'Task exceeded its execution timeout of 300ms', retriable: true },
    });
    expect(isAlive(childPidFromLog(job.tiId))).toBe(false);
    expect(await runnerPid()).toBe(pid);
  });

  it('SIGKILLs a command that ignores SIGTERM after the grace period', async () => {
    const pid = await runnerPid();
    const job = taskJob('bash_ignores_term', { executionTimeoutMs: 200 });
    const { finished } = await recorder.run(job);
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'TimeoutError' } });
    expect(recorder.lines(job.tiId, 'stdout')).toContain('ready');
    expect(await runnerPid()).toBe(pid);
  });
});

describe('LocalExecutor: stop()', () => {
  it('boots runners lazily, and on stop reports running tries as lost and leaves no process behind', async () => {
    const lazy = new LocalExecutor({ processes: 2, concurrency: 2, killGraceMs: 400, logger: () => {} });
    const rec = new EventRecorder(lazy);
    expect(lazy.pids).toEqual([]);
    const bashJob = taskJob('bash_sleeps');
    const sleeper = taskJob('sleeps', { conf: { ms: 10_000 } });
    lazy.submit(bashJob);
    lazy.submit(sleeper);
    await waitUntil(() => childPidFromLogOf(rec, bashJob.tiId) > 0, 'bash printed its child pid', 5_000);
    const pids = lazy.pids;
    expect(pids).toHaveLength(2);
    const bashChild = childPidFromLogOf(rec, bashJob.tiId);

    await lazy.stop(50);
    for (const job of [bashJob, sleeper]) {
      expect((await rec.finished(job.tiId)).outcome).toMatchObject({
        status: 'failed',
        error: { name: 'WorkerLostError', retriable: true, message: expect.stringContaining('the executor stopped while it ran') },
      });
    }
    for (const pid of [...pids, bashChild]) expect(isAlive(pid)).toBe(false);
    expect(lazy.pids).toEqual([]);
    expect(lazy.openSlots()).toBe(0);
    expect(() => lazy.submit(taskJob('returns_nothing'))).toThrow(/stopping/);
  });
});

function childPidFromLogOf(rec: EventRecorder, tiId: string): number {
  const line = rec.lines(tiId, 'stdout').find((l) => l.startsWith('child='));
  return Number(line?.slice('child='.length));
}

describe('LocalExecutor: its own process', () => {
  it('start() rejects with what a runner that cannot boot printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flashflow-runner-'));
    try {
      const broken = join(dir, 'broken-runner.ts');
      writeFileSync(broken, "throw new Error('runner cannot boot');\n");
      const executor = new LocalExecutor({ processes: 1, runnerPath: broken, logger: () => {} });
      await expect(executor.start()).rejects.toThrow(/runner process \d+ exited with code 1 \(stderr: Error: runner cannot boot\) before it was ready/);
      await executor.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no runner and no task subprocess behind when the parent process is SIGKILLed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flashflow-parent-'));
    try {
      const executorModule = fileURLToPath(new URL('../../lib/executors/local/local-executor.ts', import.meta.url));
      const script = join(dir, 'parent.mts'); // .mts: outside the repo there is no "type": "module"
      writeFileSync(
        script,
        [
          `import { LocalExecutor } from ${JSON.stringify(executorModule)};`,
          'const executor = new LocalExecutor({ processes: 2, logger: () => {} });',
          'executor.onEvent((e) => { if (e.type === "log") process.send!({ line: e.line }); });',
          'await executor.start();',
          'executor.submit(JSON.parse(process.argv[2]!));',
          'process.send!({ pids: executor.pids });',
        ].join('\n'),
      );
      const parent = forkTypeScript(script, { args: [JSON.stringify(taskJob('bash_sleeps'))] });
      let stderr = '';
      parent.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      parent.stdout?.resume();
      let runnerPids: number[] = [];
      let sleeper = 0;
      parent.on('message', (m: { pids?: number[]; line?: string }) => {
        if (m.pids) runnerPids = m.pids;
        if (m.line?.startsWith('child=')) sleeper = Number(m.line.slice('child='.length));
      });
      // Setup, not a bound under test: a busy machine takes a while to start tsx, two runners and bash.
      await waitUntil(() => runnerPids.length === 2 && sleeper > 0, 'the parent started its runners and bash', 20_000).catch(
        (err: Error) => {
          parent.kill('SIGKILL');
          throw new Error(`${err.message}; parent stderr: ${stderr}`);
        },
      );
      parent.kill('SIGKILL');
      await waitUntil(() => [...runnerPids, sleeper].every((pid) => !isAlive(pid)), 'runners and bash are gone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
