// Finds the DAG files of a folder and imports and compiles one file at a time. Runs inside a throwaway
// child process (parser-child.ts), so a file that hangs or crashes at import cannot hurt the server.
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectionTypeSpec } from '../connections/connection-types';
import { compileDag } from '../engine/compile-dag';
import type { SerializedDag } from '../engine/dag-model';
import type { Dag } from '../engine/dag-builder';
import { loadDagFile } from '../engine/load-dag-file';
import { knownOperators } from '../operators/registry';
import { checkArgs } from '../plugins/define-operator';
import type { PluginOperators } from '../plugins/plugin-operators';
import { describeImportFailure } from './describe-import-failure';

export interface ImportProblem {
  filename: string;
  message: string;
}

export interface ParseResult {
  dags: SerializedDag[];
  errors: ImportProblem[];
  files: string[];
  /** The connection types the plugin files define (data, for the DAG processor to store); absent when no plugins were loaded. */
  pluginConnectionTypes?: Array<{ file: string; spec: ConnectionTypeSpec }>;
}

export interface FileParse {
  file: string;
  dags: SerializedDag[];
  /** Empty when the file is fine. */
  problems: string[];
  /** A plugin file's connection types (`defineConnectionType`). */
  connectionTypes?: ConnectionTypeSpec[];
}

const DAG_FILE = /\.(ts|mts|js|mjs)$/;
const NOT_DAG_FILE = /(\.d\.ts|\.test\.ts|\.spec\.ts)$/;

export async function listDagFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    // A symlink to a file counts (a DAG folder assembled from links, as Airflow allows); a dangling one does not.
    .filter((e) => (e.isFile() || (e.isSymbolicLink() && isFileBehindLink(path.join(e.parentPath, e.name)))))
    .filter((e) => DAG_FILE.test(e.name) && !NOT_DAG_FILE.test(e.name) && !/^[._]/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.split(path.sep).some((part) => part === 'node_modules' || part.startsWith('.')))
    .sort();
}

/** Plugin files are found like DAG files; a folder that does not exist has none. */
export async function listPluginFiles(folders: readonly string[]): Promise<string[]> {
  const lists = await Promise.all(folders.map((f) => listDagFiles(f).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)))));
  return [...new Set(lists.flat())];
}

function isFileBehindLink(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `plugins`: the plugin operators loaded in this process, against which tasks using them are checked; null: not checked. */
export async function parseDagFile(file: string, plugins: { operators: PluginOperators; folders: readonly string[] } | null = null): Promise<FileParse> {
  const result: FileParse = { file, dags: [], problems: [] };
  try {
    for (const dag of await loadDagFile(file)) {
      const c = compileDag(dag, file);
      if (c.ok) result.dags.push(c.dag);
      else result.problems.push(...c.errors.map((e) => `${dag.dagId}: ${e}`));
      if (plugins) result.problems.push(...pluginTaskProblems(dag, plugins.operators, plugins.folders));
    }
  } catch (err) {
    result.problems = [describeImportFailure(err)];
  }
  if (result.problems.length > 0) result.dags = [];
  return result;
}

/** Files in order; a DAG id defined by an earlier file makes the later file an import error. */
export function mergeFileParses(files: string[], parses: FileParse[]): ParseResult {
  const result: ParseResult = { dags: [], errors: [], files };
  const seen = new Map<string, string>();
  for (const p of parses) {
    const clash = p.dags.find((d) => seen.has(d.dag_id));
    const problems = clash ? [`dag id '${clash.dag_id}' is already defined in ${seen.get(clash.dag_id)}`] : p.problems;
    if (problems.length > 0) {
      result.errors.push({ filename: p.file, message: problems.join('\n') });
      continue;
    }
    for (const d of p.dags) seen.set(d.dag_id, p.file);
    result.dags.push(...p.dags);
  }
  return result;
}

/** A task of a plugin's operator is checked here, at import, as bash() checks its own arguments when called. */
function pluginTaskProblems(dag: Dag, operators: PluginOperators, folders: readonly string[]): string[] {
  const builtins = knownOperators();
  const problems: string[] = [];
  for (const def of dag.tasks.values()) {
    if (def.operator === 'function' || builtins.includes(def.operator)) continue;
    const found = operators.get(def.operator);
    if (!found) {
      problems.push(`${dag.dagId}.${def.taskId}: ${operators.explainMissing(def.operator, folders)}`);
      continue;
    }
    try {
      checkArgs(found.definition, def.args);
    } catch (err) {
      problems.push(`${dag.dagId}.${def.taskId}: ${(err as Error).message}`);
    }
  }
  return problems;
}
