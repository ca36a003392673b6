// The LocalExecutor with real runner processes and a real DAG file: how tries end, what they log, how task
// code reaches services, concurrency, bash and callbacks. Failure modes (timeouts, kills, crashes) are in
// executor-local-failures.test.ts.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../lib/executors/local/local-executor';
import { callbackJob, EventRecorder, taskJob } from './executor-harness';

const serviceCalls: Array<{ tiId: string; method: string; payload: unknown }> = [];
const barrier = { size: 8, waiting: [] as Array<() => void> };
const logged: string[] = [];

const executor = new LocalExecutor({
  processes: 2,
  concurrency: 4,
  heartbeatMs: 50,
  killGraceMs: 600,
  env: { ...process.env, FF_TEST_MARK: 'inherited' },
  logger: (msg) => logged.push(msg),
  serviceHandler: async (job, method, payload) => {
    serviceCalls.push({ tiId: job.tiId, method, payload });
    if (method === 'runs.state' && (payload as { dagId: string }).dagId === 'other') return 'success';
    if (method === 'xcom.pull') return { answer: 42 };
    if (method === 'tasks.state') return 42;
    if (method === 'runs.state') {
      return new Promise<null>((resolve, reject) => {
        barrier.waiting.push(() => resolve(null));
        if (barrier.waiting.length === barrier.size) for (const open of barrier.waiting.splice(0)) open();
        setTimeout(() => reject(new Error(`barrier: only ${barrier.waiting.length} tries arrived`)), 3_000);
      });
    }
    throw new Error(`no such service: ${method}`);
  },
});
const recorder = new EventRecorder(executor);

beforeAll(async () => {
  await executor.start();
});
afterAll(async () => {
  await executor.stop();
});

describe('LocalExecutor: how a try ends', () => {
  it('reports started then finished, with the JSON form of the return value as XCom', async () => {
    const job = taskJob('returns_value');
    const { finished, events } = await recorder.run(job);
    expect(events[0]).toMatchObject({ type: 'started', tiId: job.tiId, tryNumber: 1 });
    const started = events[0] as Extract<(typeof events)[number], { type: 'started' }>;
    expect(executor.pids).toContain(started.pid);
    expect(started.hostname).toBeTruthy();
    expect(started.at).toBeInstanceOf(Date);
    expect(events.at(-1)).toBe(finished);
    expect(finished.outcome).toEqual({
      status: 'success',
      xcom: { answer: 42, when: '2024-01-01T00:00:00.000Z', nested: [1, 'two', null] },
    });
  });

  it('turns an undefined return value into a null XCom', async () => {
    const { finished } = await recorder.run(taskJob('returns_nothing'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: null });
  });

  it('fails retriably on a thrown error and keeps its stack', async () => {
    const { finished } = await recorder.run(taskJob('throws'));
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'boom', retriable: true } });
    expect(finished.outcome.status === 'failed' && finished.outcome.error.stack).toContain('executor-tasks.ts');
  });

  it('fails without retry on NonRetriableError', async () => {
    const { finished } = await recorder.run(taskJob('throws_non_retriable'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'NonRetriableError', message: 'the input is wrong', retriable: false },
    });
  });

  it('ends the try as skipped on SkipTaskError', async () => {
    const { finished } = await recorder.run(taskJob('skips'));
    expect(finished.outcome).toEqual({ status: 'skipped', reason: 'nothing to do today' });
  });

  it('describes a thrown non-Error value', async () => {
    const { finished } = await recorder.run(taskJob('throws_string'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { message: "task threw a non-Error value: 'just a string'", retriable: true },
    });
  });

  it.each([
    ['function', 'a function at $.fn'],
    ['bigint', 'a BigInt at $[1]'],
    ['cycle', 'a circular reference at $.outer.self'],
    ['map', 'an instance of Map at $.m'],
    ['nan', 'NaN at $.n'],
  ])('fails without retry when the return value holds %s', async (item, where) => {
    const { finished } = await recorder.run(taskJob('returns_bad', { conf: { bad: item } }));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: {
        name: 'XComError',
        message: `task returns_bad returned a value that is not JSON: ${where}`,
        retriable: false,
      },
    });
  });

  it('fails without retry when the return value is larger than the XCom limit, naming both sizes', async () => {
    const { finished } = await recorder.run(taskJob('returns_10mb'));
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'XComError', retriable: false } });
    expect(finished.outcome.status === 'failed' && finished.outcome.error.message).toMatch(
      /^task returns_10mb returned 10\.0 MB of XCom, more than the limit of 1\.0 MB/,
    );
  });

  it('fails without retry when the task, the DAG or valid params are missing', async () => {
    const noTask = await recorder.run(taskJob('no_such_task'));
    expect(noTask.finished.outcome).toMatchObject({ status: 'failed', error: { name: 'TaskNotFoundError', retriable: false } });
    expect(noTask.finished.outcome.status === 'failed' && noTask.finished.outcome.error.message).toContain(
      "task 'no_such_task' is not defined in DAG 'executor_tasks'",
    );
    const noDag = await recorder.run(taskJob('returns_value', { dagId: 'no_such_dag' }));
    expect(noDag.finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'DagNotFoundError', retriable: false, message: expect.stringContaining('executor_tasks, executor_params') },
    });
    const badParams = await recorder.run(
      taskJob('echo_params', { dagId: 'executor_params', conf: { count: 'many', name: 5 } }),
    );
    expect(badParams.finished.outcome).toMatchObject({
      status: 'failed',
      error: {
        name: 'ParamsValidationError',
        retriable: false,
        message:
          "params of DAG 'executor_params' are invalid: count: Invalid input: expected number, received string; " +
          'name: Invalid input: expected string, received number',
      },
    });
  });

  it('gives the task its params defaulted by the DAG schema', async () => {
    const { finished } = await recorder.run(taskJob('echo_params', { dagId: 'executor_params', conf: { count: 5 } }));
    expect(finished.outcome).toEqual({ status: 'success', xcom: { count: 5, name: 'anon' } });
  });

  it('builds ctx from the job, with dates as Date', async () => {
    const job = taskJob('context', { upstream: { split: ['a', 'b'] }, tryNumber: 2 });
    const { finished } = await recorder.run(job);
    expect(finished.outcome).toEqual({
      status: 'success',
      xcom: {
        dagId: 'executor_tasks',
        runId: job.runId,
        taskId: 'context',
        mapIndex: -1,
        tryNumber: 2,
        maxTries: 3,
        logicalDate: '2024-01-01T00:00:00.000Z',
        isDate: true,
        item: null,
        inputs: { split: ['a', 'b'] },
        params: {},
      },
    });
  });

  it('keeps a runner alive through an unhandled promise rejection in task code', async () => {
    const { finished } = await recorder.run(taskJob('unhandled_rejection'));
    expect(finished.outcome).toEqual({ status: 'success', xcom: 'still fine' });
    expect(logged.some((l) => l.includes('unhandled promise rejection in task code: Error: nobody catches this'))).toBe(true);
  });
});

describe('LocalExecutor: logs', () => {
  it('sends ctx.log lines on the log stream and console output on stdout/stderr, in order', async () => {
    const job = taskJob('logs');
    const { events } = await recorder.run(job);
    const logs = events.flatMap((e) => (e.type === 'log' ? [[e.stream, e.line]] : []));
    expect(logs).toEqual([
      ['log', 'INFO - hello world'],
      ['log', 'WARNING - two'],
      ['log', 'WARNING - lines'],
      ['stdout', 'from console.log { a: 1 }'],
      ['stderr', 'from console.error'],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: { status: 'success', xcom: 'logged' } });
  });

  it('attributes console output of tries running at once to the try that wrote it', async () => {
    const jobs = ['A', 'B', 'C', 'D'].map((name) => taskJob('logs_async', { conf: { name } }));
    for (const job of jobs) executor.submit(job);
    await Promise.all(jobs.map((job) => recorder.finished(job.tiId)));
    for (const job of jobs) {
      const name = String(job.conf.name);
      expect(recorder.lines(job.tiId, 'stdout')).toEqual([`${name} line 0`, `${name} line 1`, `${name} line 2`]);
    }
  });
});

describe('LocalExecutor: services', () => {
  it('answers ctx.services and ctx.xcomPull through the service handler, with the job', async () => {
    const job = taskJob('uses_services');
    const { finished } = await recorder.run(job);
    expect(finished.outcome).toEqual({ status: 'success', xcom: { state: 'success', upstream: { answer: 42 } } });
    expect(serviceCalls.filter((c) => c.tiId === job.tiId)).toEqual([
      { tiId: job.tiId, method: 'runs.state', payload: { dagId: 'other', runId: 'r1' } },
      { tiId: job.tiId, method: 'xcom.pull', payload: { taskId: 'returns_value', mapIndex: null } },
    ]);
  });

  it("rejects a service call in the task with the handler's error message", async () => {
    const { finished } = await recorder.run(taskJob('service_fails'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { message: 'no such service: assets.latestEvent', retriable: true },
    });
  });

  it('fails the try without retry when the answer breaks the service contract', async () => {
    const { finished } = await recorder.run(taskJob('service_answer_breaks_contract'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'ServiceContractError', retriable: false },
    });
    expect(finished.outcome.status === 'failed' && finished.outcome.error.message).toMatch(/^service tasks\.state: the answer does not match its contract: /);
  });

  it('refuses an input that breaks the service contract before sending it', async () => {
    const job = taskJob('service_input_breaks_contract');
    const { finished } = await recorder.run(job);
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'ServiceContractError', retriable: false } });
    expect(finished.outcome.status === 'failed' && finished.outcome.error.message).toMatch(/^service runs\.state: the input does not match its contract: dagId: /);
    expect(serviceCalls.filter((c) => c.tiId === job.tiId)).toEqual([]);
  });

  it('rejects a service call whose input cannot cross the process boundary', async () => {
    const { finished } = await recorder.run(taskJob('sends_function'));
    expect(finished.outcome.status === 'failed' && finished.outcome.error.message).toMatch(
      /^service dags\.trigger: the input cannot be sent: .*could not be cloned/,
    );
  });
});

describe('LocalExecutor: concurrency', () => {
  it('runs processes × concurrency tries at once, spread over the processes, and refuses a job beyond that', async () => {
    expect(executor.openSlots()).toBe(8);
    const jobs = Array.from({ length: 8 }, (_, i) => taskJob('barrier', { conf: { slot: i } }));
    for (const job of jobs) executor.submit(job);
    expect(executor.openSlots()).toBe(0);
    expect(() => executor.submit(taskJob('returns_value'))).toThrow(/no open slot/);

    // Each try waits at a barrier that opens only when all 8 arrived: they must have run at once.
    const results = await Promise.all(jobs.map((job) => recorder.finished(job.tiId)));
    expect(results.map((f) => f.outcome)).toEqual(jobs.map((job) => ({ status: 'success', xcom: job.conf.slot })));
    const tiIds = new Set(jobs.map((j) => j.tiId));
    const ours = recorder.events.filter((e) => e.type !== 'callback_finished' && tiIds.has(e.tiId));
    const firstFinished = ours.findIndex((e) => e.type === 'finished');
    expect(ours.slice(0, firstFinished).filter((e) => e.type === 'started')).toHaveLength(8);
    const pids = new Set(ours.flatMap((e) => (e.type === 'started' ? [e.pid] : [])));
    expect(pids.size).toBe(2);
    expect(executor.openSlots()).toBe(8);
  });

  it('refuses a job whose try is already running', async () => {
    const job = taskJob('sleeps', { conf: { ms: 50 } });
    executor.submit(job);
    expect(() => executor.submit(job)).toThrow(/already running/);
    await recorder.finished(job.tiId);
  });
});

describe('bash operator in the LocalExecutor', () => {
  it('logs stdout lines and returns the last non-empty one as XCom', async () => {
    const job = taskJob('bash_ok');
    const { finished } = await recorder.run(job);
    expect(recorder.lines(job.tiId, 'stdout')).toEqual(['first', '', 'last line', '']);
    expect(finished.outcome).toEqual({ status: 'success', xcom: 'last line' });
    const silent = await recorder.run(taskJob('bash_silent'));
    expect(silent.finished.outcome).toEqual({ status: 'success', xcom: null });
  });

  it('fails retriably with the exit code, keeping stderr in the log', async () => {
    const job = taskJob('bash_fails');
    const { finished } = await recorder.run(job);
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'BashCommandError', message: 'Bash command failed with exit code 3', retriable: true },
    });
    expect(recorder.lines(job.tiId, 'stderr')).toEqual(['bad thing']);
  });

  it('skips the task on exit code 99', async () => {
    const { finished } = await recorder.run(taskJob('bash_skips'));
    expect(finished.outcome).toMatchObject({ status: 'skipped' });
  });

  it('runs with the given env and cwd plus the FLASHFLOW_CTX_* variables', async () => {
    const job = taskJob('bash_env', { tryNumber: 2 });
    await recorder.run(job);
    expect(recorder.lines(job.tiId, 'stdout')).toEqual([
      `dag=executor_tasks task=bash_env run=${job.runId} try=2`,
      'mine=hello mark=unset', // `env` replaces the inherited environment unless appendEnv
      '/',
    ]);
    const appended = taskJob('bash_env_append');
    await recorder.run(appended);
    expect(recorder.lines(appended.tiId, 'stdout')).toEqual(['mine=x mark=inherited']);
  });

  it('runs in a fresh temporary directory by default and removes it', async () => {
    const job = taskJob('bash_default_cwd');
    const { finished } = await recorder.run(job);
    const dir = finished.outcome.status === 'success' ? String(finished.outcome.xcom) : '';
    expect(dir.startsWith(join(tmpdir(), 'flashflow-bash-'))).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('LocalExecutor: callbacks', () => {
  it('runs a task callback and reports it finished', async () => {
    const job = callbackJob({ kind: 'onSuccess' });
    executor.submit(job);
    expect(await recorder.callbackFinished(job.id)).toMatchObject({ ok: true, error: null });
    expect(logged).toContain(`callback ${job.id}: success callback for with_callbacks in state success`);
  });

  it('runs a DAG-level callback', async () => {
    const job = callbackJob({ kind: 'onFailure', dagId: 'executor_params', taskId: null, state: 'failed', error: 'x failed' });
    executor.submit(job);
    expect(await recorder.callbackFinished(job.id)).toMatchObject({ ok: true });
    expect(logged).toContain(`callback ${job.id}: dag executor_params failed: x failed`);
  });

  it('reports a callback that throws, hangs past its timeout or does not exist', async () => {
    const throws = callbackJob({ kind: 'onFailure' });
    const hangs = callbackJob({ kind: 'onRetry', timeoutMs: 100 });
    const missing = callbackJob({ kind: 'onExecute' });
    for (const job of [throws, hangs, missing]) executor.submit(job);
    expect(await recorder.callbackFinished(throws.id)).toMatchObject({ ok: false, error: 'Error: callback broke' });
    expect(await recorder.callbackFinished(hangs.id)).toMatchObject({
      ok: false,
      error: 'TimeoutError: Callback onRetry exceeded its execution timeout of 100ms',
    });
    expect(await recorder.callbackFinished(missing.id)).toMatchObject({
      ok: false,
      error: "task 'with_callbacks' of DAG 'executor_tasks' has no onExecute callback",
    });
  });
});
