// `defineOperator` (a plugin's operator) and `operator(name, args)` (a DAG file's use of it). A DAG file names a
// plugin operator rather than importing its file, so it works wherever the plugin lives ($FLASHFLOW_HOME/plugins,
// the project's plugins/, a worker's own copy) and the DAG file never loads plugin code by itself (ADR 0025).
import type { z } from 'zod';
import type { OperatorSpec } from '../engine/dag-model';
import { formatZodIssues } from '../kernel/zod-issues';
import type { OperatorContext } from '../operators/operator-context';

const PLUGIN_OPERATOR = Symbol.for('flashflow.pluginOperator');

/** Lower-case words joined by '-' or '_', like the built-in 'bash' or 'trigger-dag'. */
export const OPERATOR_NAME = /^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/;

export interface OperatorDefinition<S extends z.ZodType<Record<string, unknown>>, R> {
  name: string;
  /** Checked when a DAG file is imported (a mistake is that file's import error) and again when a try starts. */
  args: S;
  run: (args: z.output<S>, ctx: OperatorContext) => Promise<R> | R;
}

/** What a plugin file exports: call it in a DAG file for a typed spec, or name it with `operator()`. */
export interface PluginOperator<S extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>, R = unknown> {
  (args: z.input<S>): OperatorSpec<Awaited<R>>;
  readonly [PLUGIN_OPERATOR]: OperatorDefinition<S, R>;
}

export function defineOperator<S extends z.ZodType<Record<string, unknown>>, R>(definition: OperatorDefinition<S, R>): PluginOperator<S, R> {
  if (!OPERATOR_NAME.test(definition.name)) {
    throw new Error(`defineOperator(): name '${definition.name}' must be lower-case words joined by '-' or '_', such as 'greet' or 'slack-post'`);
  }
  // The arguments are kept as written and parsed again when a try starts, so a transforming schema runs once per use.
  const factory = (args: z.input<S>): OperatorSpec<Awaited<R>> => {
    checkArgs(definition, args);
    return { operator: definition.name, args: args as Record<string, unknown> };
  };
  return Object.assign(factory, { [PLUGIN_OPERATOR]: definition });
}

export function isPluginOperator(value: unknown): value is PluginOperator {
  return typeof value === 'function' && PLUGIN_OPERATOR in value;
}

export function operatorDefinition(op: PluginOperator): OperatorDefinition<z.ZodType<Record<string, unknown>>, unknown> {
  return op[PLUGIN_OPERATOR];
}

/** The arguments as the operator's schema parses them; throws a message that names the operator. */
export function checkArgs<S extends z.ZodType<Record<string, unknown>>>(definition: Pick<OperatorDefinition<S, unknown>, 'name' | 'args'>, args: unknown): z.output<S> {
  const parsed = definition.args.safeParse(args);
  if (!parsed.success) throw new Error(`${definition.name}(): invalid arguments: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * A task of a plugin's operator, by name: `d.task('hello', operator('greet', { name: 'Ada' }))`. The arguments are
 * checked against the plugin's schema when the DAG folder is parsed (the parser loads the plugins first).
 */
export function operator(name: string, args: Record<string, unknown> = {}): OperatorSpec {
  if (!OPERATOR_NAME.test(name)) throw new Error(`operator(): '${name}' is not an operator name`);
  return { operator: name, args };
}
