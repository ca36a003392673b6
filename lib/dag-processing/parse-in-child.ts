// Runs parse-dag-folder in a fresh child process with a time limit. A new process each time also means
// edited files and their imports are read anew, with nothing cached from the last parse.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ParseResult } from './parse-dag-folder';
import { tsxLoaderPath } from './tsx-loader';

const CHILD = fileURLToPath(new URL('./parser-child.ts', import.meta.url));

export async function parseInChild(folder: string, timeoutMs = 30_000): Promise<ParseResult> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', tsxLoaderPath()],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<ParseResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`parsing the DAG folder ${folder} took longer than ${timeoutMs} ms (a DAG file may loop at import)`));
    }, timeoutMs);
    child.once('message', (msg: { ok: true; result: ParseResult } | { ok: false; error: string }) => {
      clearTimeout(timer);
      if (msg.ok) resolve(msg.result);
      else reject(new Error(`parsing the DAG folder ${folder} failed: ${msg.error}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the DAG parser exited (${signal ?? `code ${code}`}) before answering`));
    });
    child.send({ folder });
  });
}
