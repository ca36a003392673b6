// Runs a `bash` task inside a task runner: `bash -c <command>` in its own process group, output lines to the
// try's log, the last non-empty stdout line as XCom (Airflow's BashOperator with do_xcom_push).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NonRetriableError, SkipTaskError } from '../engine/task-context';
import { fetchConnection } from '../hooks/hook-context';
import { bashArgsSchema, type BashArgs } from './bash';
import type { OperatorContext } from './operator-context';
import { runInProcessGroup, SpawnError } from './process-group';
import { formatZodIssues } from '../kernel/zod-issues';
import { withoutServerSecrets } from '../secrets/task-environment';

export class BashCommandError extends Error {
  override name = 'BashCommandError';
}

const DEFAULT_SKIP_EXIT_CODE = 99;
// An absolute path, because with a replaced env (no PATH) `spawn('bash')` could not find it.
const BASH = existsSync('/bin/bash') ? '/bin/bash' : 'bash';

export async function runBash(rawArgs: Record<string, unknown>, ctx: OperatorContext): Promise<unknown> {
  const parsed = bashArgsSchema.safeParse(rawArgs);
  if (!parsed.success) throw new NonRetriableError(`bash: invalid arguments: ${formatZodIssues(parsed.error)}`);
  const args = parsed.data;

  let cwd = args.cwd;
  let tempDir: string | null = null;
  if (cwd !== undefined) {
    const info = await stat(cwd).catch(() => null);
    if (!info?.isDirectory()) throw new NonRetriableError(`bash: cwd '${cwd}' is not a directory`);
  } else {
    tempDir = await mkdtemp(join(tmpdir(), 'flashflow-bash-'));
    cwd = tempDir;
  }
  try {
    const env = { ...commandEnv(args, ctx), ...(await connectionVariables(args, ctx)) };
    const { code, signal, lastStdoutLine } = await runCommand(args.command, cwd, env, ctx);
    if (code === 0) return lastStdoutLine;
    if (code !== null && skipCodes(args).includes(code)) {
      throw new SkipTaskError(`Bash command returned exit code ${code}; skipping the task`);
    }
    throw new BashCommandError(
      code !== null ? `Bash command failed with exit code ${code}` : `Bash command was terminated by signal ${signal}`,
    );
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

function skipCodes(args: BashArgs): number[] {
  const value = args.skipOnExitCode === undefined ? DEFAULT_SKIP_EXIT_CODE : args.skipOnExitCode;
  return value === null ? [] : Array.isArray(value) ? value : [value];
}

/** PREFIX_HOST, PREFIX_PORT, … for each connection the task names; a missing connection fails without retry. */
async function connectionVariables(args: BashArgs, ctx: OperatorContext): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const [prefix, connId] of Object.entries(args.connections ?? {})) {
    const conn = await fetchConnection(ctx, connId);
    const parts = { HOST: conn.host, PORT: conn.port, LOGIN: conn.login, PASSWORD: conn.password, SCHEMA: conn.schema, EXTRA: conn.extra };
    for (const [name, value] of Object.entries(parts)) vars[`${prefix}_${name}`] = value === null ? '' : String(value);
  }
  return vars;
}

/**
 * The runner's env (or `args.env` alone, Airflow's rule), plus the FLASHFLOW_CTX_* variables of the try and the
 * run's params: FLASHFLOW_PARAM_<NAME> for each string, number or boolean one (where Airflow templates
 * `{{ params.name }}` into the command), and all of them as JSON in FLASHFLOW_PARAMS.
 */
export function commandEnv(args: BashArgs, ctx: OperatorContext): Record<string, string> {
  // The runner's env is already clean (fork-runner); checked again here, as the door every subprocess of a task
  // passes through. What the DAG author writes in `args.env` is theirs to pass on.
  const inherited = withoutServerSecrets(ctx.processEnv);
  const base: Record<string, string | undefined> =
    args.env === undefined ? inherited : args.appendEnv ? { ...inherited, ...args.env } : { ...args.env };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  return {
    ...env,
    FLASHFLOW_CTX_DAG_ID: ctx.dagId,
    FLASHFLOW_CTX_TASK_ID: ctx.taskId,
    FLASHFLOW_CTX_RUN_ID: ctx.runId,
    FLASHFLOW_CTX_TRY_NUMBER: String(ctx.tryNumber),
    FLASHFLOW_CTX_MAP_INDEX: String(ctx.mapIndex),
    FLASHFLOW_CTX_LOGICAL_DATE: ctx.logicalDate.toISOString(),
    FLASHFLOW_ARTIFACTS_DIR: ctx.artifactsDir,
    FLASHFLOW_PARAMS: JSON.stringify(ctx.params),
    ...paramVariables(ctx.params),
  };
}

function paramVariables(params: Record<string, unknown>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      vars[`FLASHFLOW_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`] = String(value);
    }
  }
  return vars;
}

async function runCommand(command: string, cwd: string, env: Record<string, string>, ctx: OperatorContext) {
  let lastStdoutLine: string | null = null;
  const onLine = (stream: 'stdout' | 'stderr', line: string) => {
    if (stream === 'stdout' && line.trim() !== '') lastStdoutLine = line;
    ctx.output(stream, line);
  };
  try {
    const { code, signal } = await runInProcessGroup(BASH, ['-c', command], { cwd, env, onLine }, ctx);
    return { code, signal, lastStdoutLine };
  } catch (err) {
    if (err instanceof SpawnError) throw new BashCommandError(err.message);
    throw err;
  }
}
