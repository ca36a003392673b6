// Finds the DAG files of a folder and imports and compiles one file at a time. Runs inside a throwaway
// child process (parser-child.ts), so a file that hangs or crashes at import cannot hurt the server.
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { compileDag } from '../engine/compile-dag';
import type { SerializedDag } from '../engine/dag-model';
import { loadDagFile } from '../engine/load-dag-file';

export interface ImportProblem {
  filename: string;
  message: string;
}

export interface ParseResult {
  dags: SerializedDag[];
  errors: ImportProblem[];
  files: string[];
}

export interface FileParse {
  file: string;
  dags: SerializedDag[];
  /** Empty when the file is fine. */
  problems: string[];
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

function isFileBehindLink(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export async function parseDagFile(file: string): Promise<FileParse> {
  const result: FileParse = { file, dags: [], problems: [] };
  try {
    for (const dag of await loadDagFile(file)) {
      const c = compileDag(dag, file);
      if (c.ok) result.dags.push(c.dag);
      else result.problems.push(...c.errors.map((e) => `${dag.dagId}: ${e}`));
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

function describeImportFailure(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return `the file threw ${JSON.stringify(err)}`;
}
