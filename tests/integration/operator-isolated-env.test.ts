// The isolatedEnv operator with real npm installs from the registry and real runner processes: conflicting
// versions side by side, no access to the app's packages, install failures, the environment cache and its
// concurrent builders, and how the task's own process ends.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskJob } from '../../lib/engine/executor-port';
import { LocalExecutor } from '../../lib/executors/local/local-executor';
import { isolatedEnv, parseRequirement, type Requirement } from '../../lib/operators/isolated-env';
import {
  assertNoNodeModulesAbove,
  describeInstallFailure,
  ensureEnv,
  envKey,
  type EnvBuildContext,
} from '../../lib/operators/npm-env-cache';
import { EventRecorder, isAlive, taskJob, waitUntil } from './executor-harness';

const FIXTURE = fileURLToPath(new URL('../fixtures/workflows/isolated-env-tasks.ts', import.meta.url));
// One environments folder for this file, outside the repository (see DESIGN.md §8), removed afterwards.
const envsDir = await mkdtemp(join(tmpdir(), 'flashflow-envs-test-'));

const executor = new LocalExecutor({
  processes: 2,
  concurrency: 4,
  heartbeatMs: 1_000,
  killGraceMs: 600,
  env: { ...process.env, FLASHFLOW_ENVS_DIR: envsDir },
  logger: () => {},
});
const recorder = new EventRecorder(executor);

function job(taskId: string, overrides: Partial<TaskJob> = {}): TaskJob {
  return taskJob(taskId, { dagId: 'isolated_env_tasks', fileloc: FIXTURE, ...overrides });
}

const semver = parseRequirement('semver@5.7.2') as Requirement;
const installs = (lines: string[]) => lines.filter((l) => l.includes('isolated env: installing'));

beforeAll(async () => {
  await executor.start();
});
afterAll(async () => {
  await executor.stop();
  await rm(envsDir, { recursive: true, force: true });
});

describe('isolatedEnv: dependencies', () => {
  it('runs two tasks of one DAG on conflicting versions of a package, each seeing its own', async () => {
    const v6 = job('is_number_v6', { item: '5' });
    const v7 = job('is_number_v7', { item: '5' });
    const [a, b] = await Promise.all([recorder.run(v6), recorder.run(v7)]);
    expect(a.finished.outcome).toMatchObject({ status: 'success', xcom: { version: '6.0.0', isNumber: true, tryNumber: 1 } });
    expect(b.finished.outcome).toMatchObject({ status: 'success', xcom: { version: '7.0.0', isNumber: true, tryNumber: 1 } });
    for (const { finished } of [a, b]) {
      const resolved = fileURLToPath((finished.outcome as { xcom: { resolved: string } }).xcom.resolved);
      expect(resolved.startsWith(envsDir + sep)).toBe(true);
    }
    // npm's own output is part of the try's log.
    expect(recorder.lines(v6.tiId).some((l) => /added 1 package/.test(l))).toBe(true);
  });

  it("cannot import the app's packages: a requirement-less task importing zod fails without retry", async () => {
    const { finished } = await recorder.run(job('imports_app_package'));
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'NonRetriableError', retriable: false } });
    const message = finished.outcome.status === 'failed' ? finished.outcome.error.message : '';
    expect(message).toContain("Cannot find package 'zod'");
    expect(message).toContain("an isolated task sees only Node's built-ins and no requirements");
  });

  it('fails without retry, naming the package, when a pinned version does not exist', async () => {
    const j = job('bad_version');
    const { finished } = await recorder.run(j);
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: {
        name: 'NonRetriableError',
        message: 'isolated env: npm install failed: no version is-number@99.0.0 exists in the registry (npm ETARGET)',
        retriable: false,
      },
    });
    expect(recorder.lines(j.tiId, 'stderr').some((l) => l.includes('No matching version found for is-number@99.0.0'))).toBe(true);
    // Nothing half-built is left behind: only finished environments (and their lock-free folder) remain.
    expect((await readdir(envsDir)).filter((f) => f.startsWith('.build-'))).toEqual([]);
  });

  it('rejects ranges, tags, missing versions and duplicate packages when the DAG file is imported', () => {
    const code = 'export default () => 1';
    expect(() => isolatedEnv({ requirements: ['is-number@^6'], code })).toThrow(
      /requirements\.0: 'is-number@\^6' does not pin an exact version: write is-number@x\.y\.z/,
    );
    expect(() => isolatedEnv({ requirements: ['is-number@latest'], code })).toThrow(/does not pin an exact version/);
    expect(() => isolatedEnv({ requirements: ['is-number'], code })).toThrow(/'is-number' has no version/);
    expect(() => isolatedEnv({ requirements: ['is-number@6.0.0', 'is-number@7.0.0'], code })).toThrow(/required twice/);
    const module = new URL('../fixtures/workflows/isolated-env-module.mjs', import.meta.url);
    expect(() => isolatedEnv({ requirements: [], code, module })).toThrow(/exactly one of `code` and `module`/);
    expect(() => isolatedEnv({ requirements: [] })).toThrow(/exactly one of `code` and `module`/);
    expect(() => isolatedEnv({ requirements: [], module: './task.mjs' })).toThrow(/new URL\('\.\/task\.mjs', import\.meta\.url\)/);
    expect(parseRequirement('@scope/pkg@1.2.3-beta.1')).toEqual({ name: '@scope/pkg', version: '1.2.3-beta.1', spec: '@scope/pkg@1.2.3-beta.1' });
  });

  it('keeps the input function off the JSON form of the args', () => {
    const spec = isolatedEnv({ requirements: [], code: 'export default (i) => i', input: () => ({ a: 1 }) });
    expect(JSON.parse(JSON.stringify(spec.args))).toEqual({ requirements: [], code: 'export default (i) => i', inputFn: true });
  });
});

describe('isolatedEnv: the environment cache', () => {
  it('reuses the cached environment on the next try, without installing', async () => {
    const j = job('is_number_v6', { tryNumber: 2, item: 'x' });
    const { finished } = await recorder.run(j);
    expect(finished.outcome).toMatchObject({ status: 'success', xcom: { version: '6.0.0', isNumber: false, tryNumber: 2 } });
    const lines = recorder.lines(j.tiId);
    expect(installs(lines)).toEqual([]);
    expect(lines.some((l) => l.includes('isolated env: reusing') && l.includes('is-number@6.0.0'))).toBe(true);
  });

  it('builds the environment once for two tries that need it at the same time (in two runner processes)', async () => {
    const a = job('concurrent_a');
    const b = job('concurrent_b');
    const [ra, rb] = await Promise.all([recorder.run(a), recorder.run(b)]);
    expect(ra.finished.outcome).toEqual({ status: 'success', xcom: 'a' });
    expect(rb.finished.outcome).toEqual({ status: 'success', xcom: 'b' });
    const startedBy = (r: typeof ra) => r.events.find((e) => e.type === 'started')?.pid;
    expect(startedBy(ra)).not.toBe(startedBy(rb));
    expect(installs([...recorder.lines(a.tiId), ...recorder.lines(b.tiId)])).toHaveLength(1);
  });

  it('shares one build between tries of one process, and takes over a lock left by a dead builder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flashflow-envs-lock-'));
    try {
      const logs: string[][] = [[], []];
      const ctx = (i: number): EnvBuildContext => ({
        log: (m) => logs[i]!.push(m),
        output: () => {},
        signal: new AbortController().signal,
        trackProcessGroup: () => () => {},
        termGraceMs: 100,
        npmEnv: {},
      });
      // A lock of a process that no longer exists on this host (pid beyond pid_max).
      await writeFile(join(dir, `env-${envKey([])}.lock`), JSON.stringify({ pid: 2 ** 30, host: hostname(), token: 't', at: '' }));
      const [first, second] = await Promise.all([ensureEnv(dir, [], ctx(0)), ensureEnv(dir, [], ctx(1))]);
      expect([first.source, second.source].sort()).toEqual(['built', 'waited']);
      expect(first.dir).toBe(second.dir);
      expect(logs.flat().filter((l) => l.includes('creating'))).toHaveLength(1);
      expect(logs.flat().some((l) => l.includes('waiting for another try of this runner'))).toBe(true);
      expect(existsSync(`${first.dir}.lock`)).toBe(false);
      expect((await ensureEnv(dir, [], ctx(0))).source).toBe('cache');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves nothing behind when a try is aborted while installing, and the next try builds the environment', async () => {
    const aborted = job('semver_v5', { executionTimeoutMs: 200 });
    const { finished } = await recorder.run(aborted);
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'TimeoutError' } });
    expect(installs(recorder.lines(aborted.tiId))).toHaveLength(1);
    const leftovers = () => readdirSync(envsDir).filter((f) => f.startsWith('.build-') || f.endsWith('.lock'));
    await waitUntil(() => leftovers().length === 0, `no build folder or lock is left (${leftovers().join(', ')})`);
    expect(existsSync(join(envsDir, `env-${envKey([semver])}`))).toBe(false);

    const next = job('semver_v5', { tryNumber: 2 });
    expect((await recorder.run(next)).finished.outcome).toEqual({ status: 'success', xcom: '1.2.3' });
    expect(installs(recorder.lines(next.tiId))).toHaveLength(1);
  });

  it('says so when a requirement has gone missing from a cached environment', async () => {
    await rm(join(envsDir, `env-${envKey([semver])}`, 'node_modules', 'semver'), { recursive: true });
    const { finished } = await recorder.run(job('semver_v5', { tryNumber: 3 }));
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'BrokenEnvironmentError', retriable: true } });
    expect(finished.outcome.status === 'failed' && finished.outcome.error.message).toMatch(
      /^requirement semver is missing from .*; delete the environment folder to have it rebuilt$/,
    );
  });

  it('refuses an environments folder that has a node_modules folder above it', () => {
    const insideRepo = fileURLToPath(new URL('../../tmp/flashflow-envs', import.meta.url));
    expect(() => assertNoNodeModulesAbove(insideRepo)).toThrow(/has a node_modules folder.*FLASHFLOW_ENVS_DIR/);
  });

  it('tells network failures (retriable) from unknown packages (not retriable)', () => {
    expect(
      describeInstallFailure([
        'npm error code ECONNREFUSED',
        'npm error syscall connect',
        'npm error FetchError: request to http://127.0.0.1:9/ms failed, reason: connect ECONNREFUSED 127.0.0.1:9',
      ]),
    ).toEqual({
      message: 'the registry could not be reached: FetchError: request to http://127.0.0.1:9/ms failed, reason: connect ECONNREFUSED 127.0.0.1:9 (npm ECONNREFUSED)',
      retriable: true,
    });
    expect(
      describeInstallFailure([
        'npm error code E404',
        'npm error 404 Not Found - GET https://registry.npmjs.org/no-such-pkg-xyz - Not found',
        "npm error 404  The requested resource 'no-such-pkg-xyz@1.0.0' could not be found or you do not have permission to access it.",
      ]),
    ).toEqual({ message: 'package no-such-pkg-xyz@1.0.0 was not found in the registry (npm E404)', retriable: false });
  });
});

describe("isolatedEnv: the task's process", () => {
  it('runs a module file with the named export, the input function and the context', async () => {
    const j = job('from_module', { conf: { duration: '1m' }, upstream: { previous: [1, 2] }, mapIndex: 4 });
    const { finished } = await recorder.run(j);
    expect(finished.outcome).toEqual({
      status: 'success',
      xcom: { ms: '2.1.3', millis: 60_000, fromUpstream: [1, 2], task: 'from_module', mapIndex: 4 },
    });
  });

  it("logs the code's stdout and stderr and carries its error over, retriable unless it says otherwise", async () => {
    const j = job('prints_and_throws', { item: 'again' });
    const { finished } = await recorder.run(j);
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'boom', retriable: true } });
    expect(finished.outcome.status === 'failed' && finished.outcome.error.stack).toContain('task.mjs');
    expect(recorder.lines(j.tiId, 'stdout')).toContain('to stdout {"params":{},"inputs":{},"item":"again"}');
    expect(recorder.lines(j.tiId, 'stderr')).toContain('to stderr');

    const final = await recorder.run(job('prints_and_throws', { item: 'final' }));
    expect(final.finished.outcome).toMatchObject({ status: 'failed', error: { name: 'NonRetriableError', message: 'cannot go on', retriable: false } });
  });

  it('fails with the exit code and the last stderr lines when the process exits by itself', async () => {
    const { finished } = await recorder.run(job('exits'));
    expect(finished.outcome).toMatchObject({
      status: 'failed',
      error: { name: 'IsolatedTaskProcessError', message: 'isolated task process exited with code 3 (stderr: going down)', retriable: true },
    });
  });

  it('refuses a result that is not JSON and code that does not parse, without retry', async () => {
    const map = await recorder.run(job('returns_map'));
    expect(map.finished.outcome).toMatchObject({
      status: 'failed',
      error: {
        name: 'NonRetriableError',
        message: 'the task returned a value that is not JSON: key "m" of the return value is an instance of Map, not JSON',
        retriable: false,
      },
    });
    const syntax = await recorder.run(job('syntax_error'));
    expect(syntax.finished.outcome).toMatchObject({ status: 'failed', error: { name: 'NonRetriableError', retriable: false } });
    expect(syntax.finished.outcome.status === 'failed' && syntax.finished.outcome.error.message).toMatch(/^SyntaxError in the task's code/);
  });

  it('kills the process group of a task that outlives its timeout, even if it ignores SIGTERM', async () => {
    const j = job('hangs', { executionTimeoutMs: 1_500 });
    const { finished } = await recorder.run(j);
    expect(finished.outcome).toMatchObject({ status: 'failed', error: { name: 'TimeoutError', retriable: true } });
    const pid = Number(recorder.lines(j.tiId, 'stdout').find((l) => l.startsWith('pid '))?.slice(4));
    expect(pid).toBeGreaterThan(0);
    await waitUntil(() => !isAlive(pid), `the task's process ${pid} is gone`);
  });
});
