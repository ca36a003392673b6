// Parses the DAG folder in fresh child processes, one file at a time with a time limit each. A file that
// hangs at import becomes that file's import error and a new child goes on with the remaining files.
// A new process each pass also means edited files and their imports are read anew.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkTypeScript } from '../executors/local/fork-runner';
import { listDagFiles, mergeFileParses, type FileParse, type ParseResult } from './parse-dag-folder';

const CHILD = fileURLToPath(new URL('./parser-child.ts', import.meta.url));

type ChildMessage = { type: 'start'; file: string } | { type: 'done'; parse: FileParse } | { type: 'end' };

export async function parseInChild(folder: string, fileTimeoutMs = 30_000): Promise<ParseResult> {
  const files = await listDagFiles(folder);
  const parses: FileParse[] = [];
  let remaining = files;
  while (remaining.length > 0) {
    const { done, stuck } = await parseBatch(remaining, fileTimeoutMs);
    parses.push(...done);
    if (!stuck) break;
    parses.push({ file: stuck.file, dags: [], problems: [stuck.reason] });
    const finished = new Set(parses.map((p) => p.file));
    remaining = remaining.filter((f) => !finished.has(f));
  }
  return mergeFileParses(files, parses);
}

async function parseBatch(files: string[], fileTimeoutMs: number): Promise<{ done: FileParse[]; stuck: { file: string; reason: string } | null }> {
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
      const file = current ?? files.find((f) => !done.some((d) => d.file === f));
      if (!file) return finish(null);
      finish({ file, reason: `the DAG parser process exited (${signal ?? `code ${code}`}) while importing this file${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
    });
    child.send({ files });
  });
}
