// A runner's plugin operators: the plugin files are imported when a try first needs an operator that is not built
// in, and again when a plugin file is added, removed or edited. A missing or broken plugin fails that try only.
import { stat } from 'node:fs/promises';
import { listPluginFiles } from '../../dag-processing/parse-dag-folder';
import { NonRetriableError } from '../../engine/task-context';
import { formatZodIssues } from '../../kernel/zod-issues';
import type { OperatorRun } from '../../operators/operator-context';
import { knownOperators } from '../../operators/registry';
import { PluginOperators } from '../../plugins/plugin-operators';
import { envSecretMasker } from '../../secrets/env-secret-masker';
import { RunnerError } from './task-errors';

/** The plugins as last loaded, keyed by the files and their mtimes; tries running at once share one load. */
let current: { signature: string; operators: Promise<PluginOperators> } | null = null;

export async function loadPluginOperator(name: string, folders: readonly string[]): Promise<OperatorRun> {
  const operators = await loadPlugins(folders);
  const found = operators.get(name);
  // Not retried: a plugin that is missing or broken on this machine stays so until someone fixes it.
  if (!found) throw new RunnerError('UnknownOperatorError', operators.explainMissing(name, folders), false);
  const { definition, file } = found;
  return async (rawArgs, ctx) => {
    const parsed = definition.args.safeParse(rawArgs);
    if (!parsed.success) throw new NonRetriableError(`${name} (plugin ${file}): invalid arguments: ${formatZodIssues(parsed.error)}`);
    return definition.run(parsed.data, ctx);
  };
}

async function loadPlugins(folders: readonly string[]): Promise<PluginOperators> {
  const files = await listPluginFiles(folders);
  const signature = (await Promise.all(files.map(async (f) => `${f}@${(await stat(f)).mtimeMs}`))).join('\n');
  if (current?.signature !== signature) {
    const masker = envSecretMasker(process.env);
    const operators = new PluginOperators(knownOperators(), (text) => masker.mask(text));
    current = { signature, operators: (async () => {
      for (const file of files) await operators.add(file);
      return operators;
    })() };
  }
  return current.operators;
}
