// Parses the DAG folder in fresh child processes, one file at a time with a time limit each. A file that
// hangs at import becomes that file's import error and a new child goes on with the remaining files.
// A new process each pass also means edited files and their imports are read anew.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkTypeScript } from '../executors/local/fork-runner';
import { listDagFiles, listPluginFiles, mergeFileParses, type FileParse, type ParseResult } from './parse-dag-folder';
import type { ParseRequest } from './parser-child';

const CHILD = fileURLToPath(new URL('./parser-child.ts', import.meta.url));

type ChildMessage = { type: 'start'; file: string } | { type: 'done'; parse: FileParse } | { type: 'end' };

export interface FolderParse extends ParseResult {
  /** Some file hung or crashed its child: that file's error says more about this pass than about the file. */
  interrupted: boolean;
}

/**
 * `pluginFolders`: the plugin files there are loaded first (each a file of the result, an import error when it throws)
 * and tasks of plugin operators are checked against them; null leaves plugin operators unchecked.
 */
export async function parseInChild(folder: string, fileTimeoutMs = 30_000, pluginFolders: readonly string[] | null = null): Promise<FolderParse> {
  const files = await listDagFiles(folder);
  const pluginFiles = pluginFolders ? await listPluginFiles(pluginFolders) : [];
  const parses: FileParse[] = [];
  let remaining = files;
  let unreported = pluginFiles;
  // A plugin file that hung or crashed a child is not loaded again by the next child of the same pass.
  const stuckFiles = new Set<string>();
  while (remaining.length > 0 || unreported.length > 0) {
    const plugins = pluginFolders ? { folders: [...pluginFolders], files: pluginFiles.filter((f) => !stuckFiles.has(f)), report: unreported } : null;
    const { done, stuck } = await parseBatch({ files: remaining, plugins }, fileTimeoutMs);
    parses.push(...done);
    if (!stuck) break;
    stuckFiles.add(stuck.file);
    parses.push({ file: stuck.file, dags: [], problems: [stuck.reason] });
    const finished = new Set(parses.map((p) => p.file));
    remaining = remaining.filter((f) => !finished.has(f));
    unreported = unreported.filter((f) => !finished.has(f));
  }
  // Plugin files first: a plugin's import error reads before the errors of the DAG files that use it.
  const result = { ...mergeFileParses([...pluginFiles, ...files], parses), interrupted: stuckFiles.size > 0 };
  if (!pluginFolders) return result;
  // Each plugin file is reported by one child of the pass; a broken one defines nothing.
  const pluginConnectionTypes = parses.flatMap((p) => (p.problems.length === 0 ? (p.connectionTypes ?? []).map((spec) => ({ file: p.file, spec })) : []));
  return { ...result, pluginConnectionTypes };
}

async function parseBatch(request: ParseRequest, fileTimeoutMs: number): Promise<{ done: FileParse[]; stuck: { file: string; reason: string } | null }> {
  const child: ChildProcess = forkTypeScript(CHILD);
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const done: FileParse[] = [];
  let current: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  return new Promise((resolve) => {
    const finish = (stuck: { file: string; reason: string } | null) => {
      if (timer) clearTimeout(timer);
      child.removeAllListeners();
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve({ done, stuck });
    };
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'start') {
        current = msg.file;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => finish({ file: msg.file, reason: `importing this file took longer than ${fileTimeoutMs} ms (does it loop or wait at import?)` }), fileTimeoutMs);
      } else if (msg.type === 'done') {
        done.push(msg.parse);
        current = null;
      } else finish(null);
    });
    child.on('exit', (code, signal) => {
      const file = current ?? request.files.find((f) => !done.some((d) => d.file === f));
      if (!file) return finish(null);
      finish({ file, reason: `the DAG parser process exited (${signal ?? `code ${code}`}) while importing this file${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
    });
    child.send(request);
  });
}
