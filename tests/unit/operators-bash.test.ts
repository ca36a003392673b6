// The bash operator without an executor: argument checks at definition time, the environment it builds,
// and runBash against a hand-made OperatorContext.
import { describe, expect, it } from 'vitest';
import { NonRetriableError } from '../../lib/engine/task-context';
import { systemClock } from '../../lib/kernel/clock';
import { bash } from '../../lib/operators/bash';
import { commandEnv, runBash } from '../../lib/operators/bash-run';
import type { OperatorContext } from '../../lib/operators/operator-context';
import { knownOperators, loadOperator } from '../../lib/operators/registry';

function fakeContext(overrides: Partial<OperatorContext> = {}): OperatorContext & { lines: string[]; groups: number[] } {
  const lines: string[] = [];
  const groups: number[] = [];
  const log = () => {};
  return {
    dagId: 'd',
    runId: 'r',
    taskId: 't',
    mapIndex: -1,
    tryNumber: 2,
    maxTries: 3,
    logicalDate: new Date('2024-05-01T00:00:00Z'),
    dataIntervalStart: new Date('2024-05-01T00:00:00Z'),
    dataIntervalEnd: new Date('2024-05-02T00:00:00Z'),
    params: {},
    inputs: {},
    item: undefined,
    log: { info: log, warn: log, error: log },
    artifactsDir: '/srv/flashflow/artifacts/d/r/t',
    signal: new AbortController().signal,
    services: {} as OperatorContext['services'],
    xcomPull: () => Promise.resolve(null),
    output: (stream, line) => lines.push(`${stream}: ${line}`),
    processEnv: { ...process.env, INHERITED: 'yes' },
    trackProcessGroup: (pgid) => {
      groups.push(pgid);
      return () => {};
    },
    termGraceMs: 100,
    clock: systemClock,
    firstPokeAt: null,
    lines,
    groups,
    ...overrides,
  };
}

describe('bash()', () => {
  it('returns an operator spec with the checked arguments', () => {
    expect(bash({ command: 'echo hi', env: { A: '1' }, appendEnv: true })).toEqual({
      operator: 'bash',
      args: { command: 'echo hi', env: { A: '1' }, appendEnv: true },
    });
  });

  it.each([
    [{ command: '  ' }, 'bash(): invalid arguments: command: must not be empty'],
    [{ command: 'x', env: { A: 1 } }, 'bash(): invalid arguments: env.A: Invalid input: expected string, received number'],
    [{ cmd: 'x' }, 'bash(): invalid arguments: command: Invalid input: expected string, received undefined; Unrecognized key: "cmd"'],
  ])('throws a clear error for bad arguments %j', (args, message) => {
    expect(() => bash(args as never)).toThrow(message);
  });
});

describe('operator registry', () => {
  it('knows bash and loads its implementation on demand', async () => {
    expect(knownOperators()).toContain('bash');
    expect(await loadOperator('bash')).toBe(runBash);
    expect(await loadOperator('nope')).toBeNull();
    expect(await loadOperator('toString')).toBeNull();
  });
});

describe('commandEnv', () => {
  it('inherits the process env by default, and the FLASHFLOW_CTX_* variables always win', () => {
    const env = commandEnv({ command: 'x' }, fakeContext({ params: { batch: 'week-49', threshold: 0.2, dry_run: false, tags: ['a'] } }));
    expect(env).toMatchObject({
      INHERITED: 'yes',
      FLASHFLOW_CTX_DAG_ID: 'd',
      FLASHFLOW_CTX_TASK_ID: 't',
      FLASHFLOW_CTX_RUN_ID: 'r',
      FLASHFLOW_CTX_TRY_NUMBER: '2',
      FLASHFLOW_CTX_MAP_INDEX: '-1',
      FLASHFLOW_CTX_LOGICAL_DATE: '2024-05-01T00:00:00.000Z',
      FLASHFLOW_ARTIFACTS_DIR: '/srv/flashflow/artifacts/d/r/t',
      FLASHFLOW_PARAMS: '{"batch":"week-49","threshold":0.2,"dry_run":false,"tags":["a"]}',
      FLASHFLOW_PARAM_BATCH: 'week-49',
      FLASHFLOW_PARAM_THRESHOLD: '0.2',
      FLASHFLOW_PARAM_DRY_RUN: 'false',
    });
    expect(env).not.toHaveProperty('FLASHFLOW_PARAM_TAGS');
    expect(commandEnv({ command: 'x', env: { FLASHFLOW_CTX_DAG_ID: 'mine' } }, fakeContext()).FLASHFLOW_CTX_DAG_ID).toBe('d');
  });

  it('replaces the inherited env with `env` unless appendEnv', () => {
    expect(commandEnv({ command: 'x', env: { A: '1' } }, fakeContext()).INHERITED).toBeUndefined();
    expect(commandEnv({ command: 'x', env: { A: '1' }, appendEnv: true }, fakeContext())).toMatchObject({ A: '1', INHERITED: 'yes' });
  });
});

describe('runBash', () => {
  it('streams both outputs, tracks the process group and returns the last non-empty stdout line', async () => {
    const ctx = fakeContext();
    await expect(runBash({ command: 'echo one; echo err >&2; printf "two\\n\\n"' }, ctx)).resolves.toBe('two');
    expect(ctx.lines).toContain('stdout: one');
    expect(ctx.lines).toContain('stderr: err');
    expect(ctx.groups).toHaveLength(1);
  });

  it('fails without retry when cwd is not a directory', async () => {
    const run = runBash({ command: 'true', cwd: '/no/such/dir' }, fakeContext());
    await expect(run).rejects.toBeInstanceOf(NonRetriableError);
    await expect(run).rejects.toThrow("bash: cwd '/no/such/dir' is not a directory");
  });

  it('does not start when the try is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    const ctx = fakeContext({ signal: controller.signal });
    await expect(runBash({ command: 'echo never' }, ctx)).rejects.toThrow('too late');
    expect(ctx.groups).toEqual([]);
  });

  it('rejects with the abort reason once the aborted command has ended', async () => {
    const controller = new AbortController();
    const ctx = fakeContext({ signal: controller.signal });
    const run = runBash({ command: 'echo started; sleep 5' }, ctx);
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    await expect(run).rejects.toThrow('stop now');
  });
});
