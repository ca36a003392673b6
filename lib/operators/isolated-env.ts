// The `isolatedEnv` operator as DAG files use it (Airflow's PythonVirtualenvOperator, for npm):
//   d.task('old_api', isolatedEnv({ requirements: ['is-number@6.0.0'], code: `export default (input) => …` }))
// The code runs in a plain `node` child process inside a cached environment holding exactly its requirements;
// the app's node_modules is invisible to it. Arguments are checked when the DAG file is imported.
import { existsSync } from 'node:fs';
import { extname, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import type { TaskContext } from '../engine/task-context';
import { formatZodIssues } from '../kernel/zod-issues';

export const ISOLATED_ENV_OPERATOR = 'isolated-env';

/**
 * Where `isolatedEnv` keeps the `input` function on its args. Args are stored as JSON and a function is not
 * JSON, so it rides on a symbol key, which JSON and structured clone both leave out. The runner imports the
 * DAG file itself, so the args it hands to the operator are the very object built here, function included.
 * `Symbol.for`, so a DAG file with its own copy of this module still agrees on the key.
 */
export const INPUT_FN = Symbol.for('flashflow.isolatedEnv.input');

export type InputFunction = (ctx: TaskContext<Record<string, unknown>, Record<string, unknown>, unknown>) => unknown | Promise<unknown>;

export interface Requirement {
  name: string;
  version: string;
  /** `name@version`, as npm is given it. */
  spec: string;
}

// npm package names (scoped or not; legacy names may hold capitals) and exact semver versions.
const NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*$/i;
const EXACT_VERSION =
  /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9a-z-]+(?:\.[0-9a-z-]+)*)?(?:\+[0-9a-z-]+(?:\.[0-9a-z-]+)*)?$/i;
const MODULE_EXTENSIONS = ['.mjs', '.js', '.cjs'];

/** Parses `name@1.2.3`; refuses anything but an exact version (ranges, tags, URLs), saying why. */
export function parseRequirement(spec: string): Requirement | { error: string } {
  const at = spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : '';
  if (!NAME.test(name)) return { error: `'${spec}' is not an npm package name with a version (name@1.2.3)` };
  if (version === '') return { error: `'${spec}' has no version: pin one, as in ${name}@1.2.3` };
  if (!EXACT_VERSION.test(version)) {
    return {
      error:
        `'${spec}' does not pin an exact version: write ${name}@x.y.z. Ranges and tags such as '^6' or 'latest' ` +
        'are refused because an environment is cached by its requirement list and must not change under it',
    };
  }
  return { name, version, spec: `${name}@${version}` };
}

function checkRequirements(specs: string[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  specs.forEach((spec, index) => {
    const parsed = parseRequirement(spec);
    if ('error' in parsed) {
      ctx.addIssue({ code: 'custom', path: [index], message: parsed.error });
      return;
    }
    const other = seen.get(parsed.name);
    if (other !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `'${parsed.name}' is required twice (${other} and ${parsed.version}); one environment holds one version of a package`,
      });
    }
    seen.set(parsed.name, parsed.version);
  });
}

/** The JSON arguments as stored with the DAG and checked again by the runner. */
export const isolatedEnvArgsSchema = z
  .object({
    requirements: z.array(z.string()).superRefine(checkRequirements),
    /** Source of an ES module whose export (default: `default`) is the function to run. */
    code: z.string().refine((s) => s.trim() !== '', 'must not be empty').optional(),
    /** Absolute path of a self-contained .mjs/.js (ES module) or .cjs file, copied into the environment. */
    module: z.string().optional(),
    /** Name of the export to call; `default` unless given. */
    exportName: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'must be an identifier').optional(),
    /** Variables added to the runner's environment for the child process (NODE_PATH and NODE_OPTIONS never pass). */
    env: z.record(z.string(), z.string()).optional(),
    /** True when the task has an `input` function (kept off the JSON, see INPUT_FN). */
    inputFn: z.literal(true).optional(),
  })
  .strict()
  .refine((a) => (a.code === undefined) !== (a.module === undefined), 'give exactly one of `code` and `module`');

export type IsolatedEnvSpecArgs = z.output<typeof isolatedEnvArgsSchema>;

export interface IsolatedEnvArgs {
  /** Exact npm versions, e.g. `['is-number@6.0.0']`; may be empty (the code then sees only Node's built-ins). */
  requirements: string[];
  /** ES module source; its default export (or `exportName`) is called as `fn(input, context)`. */
  code?: string;
  /** Instead of `code`: a self-contained module file, `new URL('./tasks/job.mjs', import.meta.url)`. */
  module?: string | URL;
  exportName?: string;
  env?: Record<string, string>;
  /**
   * Builds the function's first argument in the runner, with the full task context (it may await
   * `ctx.xcomPull` or `ctx.services`); must return JSON. Default: `{ params, inputs, item }`.
   */
  input?: InputFunction;
}

export function isolatedEnv(args: IsolatedEnvArgs): OperatorSpec {
  const { input, module, ...rest } = args;
  if (input !== undefined && typeof input !== 'function') throw new Error('isolatedEnv(): invalid arguments: input: must be a function');
  const raw = {
    ...rest,
    ...(module !== undefined ? { module: modulePath(module) } : {}),
    ...(input !== undefined ? { inputFn: true } : {}),
  };
  const parsed = isolatedEnvArgsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`isolatedEnv(): invalid arguments: ${formatZodIssues(parsed.error)}`);
  const specArgs: Record<string, unknown> = parsed.data;
  if (input !== undefined) Object.defineProperty(specArgs, INPUT_FN, { value: input, enumerable: false });
  return { operator: ISOLATED_ENV_OPERATOR, args: specArgs };
}

/** An absolute path of an existing module file, from a URL or an absolute path; relative paths are ambiguous. */
function modulePath(module: string | URL): string {
  let path: string;
  if (module instanceof URL || module.startsWith('file:')) path = fileURLToPath(module);
  else if (isAbsolute(module)) path = module;
  else {
    throw new Error(
      `isolatedEnv(): invalid arguments: module: '${module}' is relative; write new URL('${module}', import.meta.url) ` +
        'so it is found beside the DAG file',
    );
  }
  if (!MODULE_EXTENSIONS.includes(extname(path))) {
    throw new Error(`isolatedEnv(): invalid arguments: module: '${path}' must be a ${MODULE_EXTENSIONS.join(', ')} file (plain Node runs it, no TypeScript)`);
  }
  if (!existsSync(path)) throw new Error(`isolatedEnv(): invalid arguments: module: '${path}' does not exist`);
  return path;
}

/** The requirements of valid args, parsed. */
export function requirementsOf(args: IsolatedEnvSpecArgs): Requirement[] {
  return args.requirements.map((spec) => parseRequirement(spec) as Requirement);
}
