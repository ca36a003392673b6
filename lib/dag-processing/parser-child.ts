// Entry of the DAG-parsing child process: loads the plugins (returning the connection types they define as data),
// then parses the DAG files it is given one by one, saying which file it starts before importing it, so the parent
// can blame exactly the file that hangs.
import { startOrphanWatchdog } from '../executors/local/orphan-watchdog';
import { knownOperators } from '../operators/registry';
import { PluginOperators } from '../plugins/plugin-operators';
import { envSecretMasker } from '../secrets/env-secret-masker';
import { parseDagFile } from './parse-dag-folder';

// A file that loops at import blocks this process's event loop, so 'disconnect' below would never fire.
startOrphanWatchdog();

export interface ParseRequest {
  files: string[];
  /** null: plugin operators are not checked (a caller that knows no plugin folders). */
  plugins: { folders: string[]; files: string[]; report: string[] } | null;
}

// This file is a process's entry: the environment it inherited is what a DAG or plugin file could leak.
// eslint-disable-next-line no-restricted-syntax
const masker = envSecretMasker(process.env);

process.once('message', async (msg: ParseRequest) => {
  const operators = new PluginOperators(knownOperators(), (text) => masker.mask(text));
  // Every plugin is loaded (the DAG files are checked against them); those already reported by an earlier child
  // of the same pass are loaded without a word.
  for (const file of msg.plugins?.files ?? []) {
    const report = msg.plugins!.report.includes(file);
    if (report) process.send!({ type: 'start', file });
    const problems = await operators.add(file);
    if (report) process.send!({ type: 'done', parse: { file, dags: [], problems, connectionTypes: operators.connectionTypes(file).map((t) => t.spec) } });
  }
  const plugins = msg.plugins ? { operators, folders: msg.plugins.folders } : null;
  for (const file of msg.files) {
    process.send!({ type: 'start', file });
    const parse = await parseDagFile(file, plugins);
    process.send!({ type: 'done', parse: { ...parse, problems: parse.problems.map((p) => masker.mask(p)) } });
  }
  process.send!({ type: 'end' }, () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
