// Finds the DAG files of a folder, imports them and compiles each DAG. Runs inside a throwaway child
// process (parser-child.ts), so a file that hangs or crashes at import cannot hurt the server.
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

const DAG_FILE = /\.(ts|mts|js|mjs)$/;
const NOT_DAG_FILE = /(\.d\.ts|\.test\.ts|\.spec\.ts)$/;

export async function listDagFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && DAG_FILE.test(e.name) && !NOT_DAG_FILE.test(e.name) && !/^[._]/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.split(path.sep).some((part) => part === 'node_modules' || part.startsWith('.')))
    .sort();
}

export async function parseDagFolder(folder: string): Promise<ParseResult> {
  const files = await listDagFiles(path.resolve(folder));
  const result: ParseResult = { dags: [], errors: [], files };
  const seen = new Map<string, string>();
  for (const file of files) {
    let problems: string[] = [];
    const compiled: SerializedDag[] = [];
    try {
      for (const dag of await loadDagFile(file)) {
        const c = compileDag(dag, file);
        if (!c.ok) problems.push(...c.errors.map((e) => `${dag.dagId}: ${e}`));
        else if (seen.has(c.dag.dag_id)) problems.push(`dag id '${c.dag.dag_id}' is already defined in ${seen.get(c.dag.dag_id)}`);
        else compiled.push(c.dag);
      }
    } catch (err) {
      problems = [describeImportFailure(err)];
    }
    if (problems.length > 0) {
      result.errors.push({ filename: file, message: problems.join('\n') });
      continue;
    }
    for (const d of compiled) seen.set(d.dag_id, file);
    result.dags.push(...compiled);
  }
  return result;
}

function describeImportFailure(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return `the file threw ${JSON.stringify(err)}`;
}
