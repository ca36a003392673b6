// Runs an `isolatedEnv` task inside a task runner: makes sure its environment exists (npm-env-cache.ts), writes
// the task's code, input and a small runner into a work folder inside that environment, and runs plain `node`
// there in its own process group. Output lines go to the try's log; the function's JSON result is the XCom.
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { NonRetriableError } from '../engine/task-context';
import { commandEnv } from './bash-run';
import { INPUT_FN, isolatedEnvArgsSchema, requirementsOf, type InputFunction, type IsolatedEnvSpecArgs } from './isolated-env';
import { ISOLATED_RUNNER_FILE, ISOLATED_RUNNER_SOURCE } from './isolated-env-runner-source';
import { ensureEnv, resolveEnvsDir } from './npm-env-cache';
import type { OperatorContext } from './operator-context';
import { runInProcessGroup } from './process-group';
import { formatZodIssues } from '../kernel/zod-issues';
import { withoutServerSecrets } from '../secrets/task-environment';

/** A failure of the task's process that it did not describe itself (a crash, a signal, process.exit(n)). */
export class IsolatedTaskProcessError extends Error {
  override name = 'IsolatedTaskProcessError';
}

/** An error the task's code threw in its own process, carried over with its name and stack. */
export class IsolatedTaskError extends Error {
  constructor(name: string, message: string, stack: string | undefined) {
    super(message);
    this.name = name;
    if (stack) this.stack = stack;
  }
}

const STDERR_TAIL_LINES = 20;
/** Larger results cannot be XComs anyway (the runner's limit is far lower); this only bounds the read. */
const MAX_RESULT_BYTES = 16 * 1024 * 1024;

export async function runIsolatedEnv(rawArgs: Record<string, unknown>, ctx: OperatorContext): Promise<unknown> {
  const parsed = isolatedEnvArgsSchema.safeParse(rawArgs);
  if (!parsed.success) throw new NonRetriableError(`isolated env: invalid arguments: ${formatZodIssues(parsed.error)}`);
  const args = parsed.data;
  const inputFn = (rawArgs as Record<symbol, unknown>)[INPUT_FN];
  if (args.inputFn && typeof inputFn !== 'function') {
    throw new NonRetriableError('isolated env: the task has an input function, but these arguments do not carry it (were they read back from JSON?)');
  }
  const inputJson = toJsonText(
    typeof inputFn === 'function' ? await (inputFn as InputFunction)(ctx) : { params: ctx.params, inputs: ctx.inputs, item: ctx.item },
  );

  const requirements = requirementsOf(args);
  const env = await ensureEnv(resolveEnvsDir(ctx.processEnv), requirements, {
    log: (message) => ctx.log.info(message),
    output: ctx.output,
    signal: ctx.signal,
    trackProcessGroup: ctx.trackProcessGroup,
    termGraceMs: ctx.termGraceMs,
    npmEnv: definedOnly(withoutServerSecrets(ctx.processEnv)),
  });
  if (env.source === 'cache') ctx.log.info(`isolated env: reusing ${env.dir} (${describe(env.manifest.requirements)})`);
  else if (env.source === 'waited') ctx.log.info(`isolated env: using ${env.dir}, built meanwhile by another try`);

  await mkdir(join(env.dir, 'runs'), { recursive: true });
  const workDir = await mkdtemp(join(env.dir, 'runs', 'try-'));
  try {
    const taskFile = await writeTaskFiles(workDir, args, inputJson, ctx);
    const nodeModules = await realpath(join(env.dir, 'node_modules')).catch(() => join(env.dir, 'node_modules'));
    const names = JSON.stringify(requirements.map((r) => r.name));
    ctx.log.info(`isolated env: running ${args.module ?? 'the inline code'} with ${process.execPath} ${process.version}`);
    return await runTaskProcess(workDir, [join(workDir, ISOLATED_RUNNER_FILE), taskFile, workDir, args.exportName ?? 'default', nodeModules, names], args, ctx);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function writeTaskFiles(workDir: string, args: IsolatedEnvSpecArgs, inputJson: string, ctx: OperatorContext): Promise<string> {
  const taskFile = join(workDir, args.module !== undefined && extname(args.module) === '.cjs' ? 'task.cjs' : 'task.mjs');
  // A module is copied, not imported where it lies: from the DAG folder its imports would resolve to the app's
  // node_modules. So it must be self-contained (its bare imports are the requirements).
  if (args.module !== undefined) {
    await copyFile(args.module, taskFile).catch((err: Error) => {
      throw new NonRetriableError(`isolated env: cannot read module ${args.module}: ${err.message}`);
    });
  } else {
    await writeFile(taskFile, args.code ?? '');
  }
  const context = {
    dagId: ctx.dagId,
    runId: ctx.runId,
    taskId: ctx.taskId,
    mapIndex: ctx.mapIndex,
    tryNumber: ctx.tryNumber,
    maxTries: ctx.maxTries,
    logicalDate: ctx.logicalDate.toISOString(),
    dataIntervalStart: ctx.dataIntervalStart.toISOString(),
    dataIntervalEnd: ctx.dataIntervalEnd.toISOString(),
  };
  await Promise.all([
    writeFile(join(workDir, ISOLATED_RUNNER_FILE), ISOLATED_RUNNER_SOURCE),
    writeFile(join(workDir, 'input.json'), inputJson),
    writeFile(join(workDir, 'context.json'), JSON.stringify(context)),
  ]);
  return taskFile;
}

async function runTaskProcess(workDir: string, nodeArgs: string[], args: IsolatedEnvSpecArgs, ctx: OperatorContext): Promise<unknown> {
  const stderrTail: string[] = [];
  const onLine = (stream: 'stdout' | 'stderr', line: string) => {
    if (stream === 'stderr') {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
    }
    ctx.output(stream, line);
  };
  const { code, signal } = await runInProcessGroup(process.execPath, nodeArgs, { cwd: workDir, env: childEnv(args, ctx), onLine }, ctx);

  if (code === 0) {
    const resultFile = join(workDir, 'result.json');
    const size = (await stat(resultFile).catch(() => null))?.size;
    if (size === undefined) throw new IsolatedTaskProcessError('isolated task process exited without writing its result');
    if (size > MAX_RESULT_BYTES) throw new NonRetriableError(`isolated env: the task returned ${size} bytes of JSON, far more than an XCom may hold`);
    return JSON.parse(await readFile(resultFile, 'utf8')) as unknown;
  }
  const reported = await readFile(join(workDir, 'error.json'), 'utf8').then((t) => JSON.parse(t) as ChildError, () => null);
  if (code === 1 && reported) throw childError(reported, args);
  const how = signal !== null ? `was killed by signal ${signal}` : `exited with code ${code}`;
  const said = stderrTail.filter((l) => l.trim() !== '').slice(-5).join(' | ');
  throw new IsolatedTaskProcessError(`isolated task process ${how}${said ? ` (stderr: ${said.slice(0, 1000)})` : ''}`);
}

interface ChildError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

const MISSING_MODULE_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** The task's own error; mistakes that no retry can fix (syntax, missing packages) are not retriable. */
function childError(e: ChildError, args: IsolatedEnvSpecArgs): Error {
  if (e.code && MISSING_MODULE_CODES.has(e.code)) {
    const has = args.requirements.length > 0 ? `its requirements (${args.requirements.join(', ')})` : 'no requirements';
    return new NonRetriableError(
      `${e.message} — an isolated task sees only Node's built-ins and ${has}, never the app's node_modules; ` +
        'add the package to `requirements` (a module must be a single self-contained file)',
    );
  }
  if (e.name === 'SyntaxError') return new NonRetriableError(`SyntaxError in the task's code: ${e.message}`);
  return new IsolatedTaskError(e.name || 'Error', e.message, e.stack);
}

/** The runner's environment plus `args.env` and the FLASHFLOW_CTX_* variables — but never NODE_PATH or
 * NODE_OPTIONS, which could make packages of the app (or its tsx loader) visible again. */
function childEnv(args: IsolatedEnvSpecArgs, ctx: OperatorContext): Record<string, string> {
  const env = commandEnv({ command: process.execPath, env: args.env, appendEnv: true }, ctx);
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  return env;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}

/** JSON text of the task's input; refuses what JSON would silently drop or cannot hold. */
function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value ?? null, (key, v: unknown) => {
      if (typeof v === 'function' || typeof v === 'symbol') throw new Error(`key '${key}' holds a ${typeof v}`);
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`key '${key}' holds ${v}`);
      return v;
    });
  } catch (err) {
    throw new NonRetriableError(`isolated env: the task's input is not JSON: ${(err as Error).message}`);
  }
}

function describe(specs: string[]): string {
  return specs.length > 0 ? specs.join(', ') : 'no requirements';
}
